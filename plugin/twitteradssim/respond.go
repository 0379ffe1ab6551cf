package twitteradssim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
)

// Error codes the simulator answers with, as the API spells them.
const (
	CodeUnauthorizedAccess          = "UNAUTHORIZED_ACCESS"
	CodeUnauthorizedClientApp       = "UNAUTHORIZED_CLIENT_APPLICATION"
	CodeReadonlyClientApp           = "READONLY_CLIENT_APPLICATION"
	CodeAccountNotFound             = "ACCOUNT_NOT_FOUND"
	CodeInvalid                     = "INVALID"
	CodeInvalidParameter            = "INVALID_PARAMETER"
	CodeMissingParameter            = "MISSING_PARAMETER"
	CodeExclusiveParameters         = "EXCLUSIVE_PARAMETERS"
	CodeInvalidTimeWindow           = "INVALID_TIME_WINDOW"
	CodeTooManyJobs                 = "TOO_MANY_JOBS"
	CodeTooManyOperations           = "TOO_MANY_OPERATIONS"
	CodeNotFound                    = "NOT_FOUND"
	CodeRouteNotFound               = "ROUTE_NOT_FOUND"
	CodeTooManyRequests             = "TOO_MANY_REQUESTS"
	CodeInternalError               = "INTERNAL_ERROR"
	CodeServiceUnavailable          = "SERVICE_UNAVAILABLE"
	CodeUnsupportedMediaType        = "UNSUPPORTED_MEDIA_TYPE"
	CodeRequestEntityTooLarge       = "REQUEST_ENTITY_TOO_LARGE"
	currentVersion                  = "12"
	headerCurrentVersion            = "x-current-api-version"
	maxBodyBytes              int64 = 1 << 20
)

// apiError is one entry of an error response's "errors" array.
type apiError struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	Parameter string `json:"parameter,omitempty"`
}

// httpError is a failed request: a status and the API errors to report.
type httpError struct {
	status int
	errs   []apiError
	header http.Header // extra headers, e.g. retry-after
}

func (e *httpError) Error() string {
	if len(e.errs) == 0 {
		return strconv.Itoa(e.status)
	}
	return fmt.Sprintf("%d %s: %s", e.status, e.errs[0].Code, e.errs[0].Message)
}

func newError(status int, code, format string, args ...any) *httpError {
	return &httpError{status: status, errs: []apiError{{Code: code, Message: fmt.Sprintf(format, args...)}}}
}

func paramError(code, param, format string, args ...any) *httpError {
	return &httpError{status: http.StatusBadRequest, errs: []apiError{{
		Code: code, Message: fmt.Sprintf(format, args...), Parameter: param,
	}}}
}

func missing(param string) *httpError {
	return paramError(CodeMissingParameter, param, "%q is missing", param)
}

func invalid(param, format string, args ...any) *httpError {
	return paramError(CodeInvalidParameter, param, format, args...)
}

func notFound(what, id string) *httpError {
	return newError(http.StatusNotFound, CodeNotFound, "%s %s not found", what, id)
}

// Bodies of the API's answers.
type (
	oneBody struct {
		Data    any         `json:"data"`
		Request requestEcho `json:"request"`
	}
	listBody struct {
		Data       any         `json:"data"`
		Request    requestEcho `json:"request"`
		NextCursor cursorVal   `json:"next_cursor"`
		TotalCount *int        `json:"total_count,omitempty"`
	}
	errorBody struct {
		Errors  []apiError  `json:"errors"`
		Request requestEcho `json:"request"`
	}
)

// cursorVal marshals as a string, or as null when empty.
type cursorVal string

func (c cursorVal) MarshalJSON() ([]byte, error) {
	if c == "" {
		return []byte("null"), nil
	}
	return json.Marshal(string(c))
}

type requestEcho struct {
	Params map[string]any `json:"params"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"errors":[{"code":"INTERNAL_ERROR","message":"encoding failed"}],"request":{"params":{}}}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)+1))
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// writeError answers e with the request's params echoed (nil echoes {}).
func writeError(w http.ResponseWriter, e *httpError, params map[string]any) {
	if params == nil {
		params = map[string]any{}
	}
	for k, vs := range e.header {
		w.Header()[k] = vs
	}
	writeJSON(w, e.status, errorBody{Errors: e.errs, Request: requestEcho{Params: params}})
}
