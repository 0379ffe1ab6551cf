package httpconn

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// MaxErrorPeek bounds how much of an error answer is read to find the
// API's errors; the caller still gets the whole body.
const MaxErrorPeek = 1 << 20

// MaxAPIDiagnostics bounds the diagnostics made from one answer (a batch
// can report hundreds of errors; they are all in the body).
const MaxAPIDiagnostics = 50

// APIErrors says where an API puts its errors in a JSON answer, so that
// they become diagnostics. Paths are keys joined by ".", from the top of
// the body or of one error; a leading "$." is allowed, "$" alone is the
// body or the error itself, and a number indexes a list (see ValueAt).
type APIErrors struct {
	// List is the path to the errors: a list of error objects, or one
	// error object ("$": the body is the error, as {"message": "..."}).
	// "" means the answers' errors are not read.
	List string
	// Code, Message and Parameter are paths inside one error. A number is
	// taken as its decimal text. The parameter becomes the diagnostic's
	// field.
	Code, Message, Parameter string
	// Hints say what codes mean for the user.
	Hints map[string]Hint
}

// Hint is what an API error code means: Summary goes in front of the
// API's message, Detail says what to do.
type Hint struct{ Summary, Detail string }

// APIError is one error of an API's answer.
type APIError struct{ Code, Message, Parameter string }

// Extract returns the errors of a JSON body, or nil when it has none or
// is not JSON.
func (e *APIErrors) Extract(body []byte) []APIError {
	if e.List == "" {
		return nil
	}
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	var root any
	if d.Decode(&root) != nil {
		return nil
	}
	if _, err := d.Token(); err != io.EOF { // one JSON value, as json.Unmarshal wants
		return nil
	}
	var items []any
	switch v := lookup(root, e.List).(type) {
	case []any:
		items = v
	case map[string]any:
		items = []any{v}
	}
	var out []APIError
	for _, it := range items {
		if _, ok := it.(map[string]any); !ok {
			continue
		}
		out = append(out, APIError{Code: text(lookup(it, e.Code)), Message: text(lookup(it, e.Message)),
			Parameter: text(lookup(it, e.Parameter))})
	}
	return out
}

// lookup follows a path through JSON (see ValueAt): nil when there is
// nothing there, or when the path is "".
func lookup(v any, path string) any {
	if path == "" {
		return nil
	}
	v, _ = walk(v, path)
	return v
}

func text(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	}
	return ""
}

// peekErrors reads up to MaxErrorPeek bytes of an error answer with a
// JSON body and returns the API's errors as diagnostics, and a reader
// that yields the whole body again: the bytes read, then the rest.
func (e *APIErrors) peekErrors(resp *http.Response) (schema.Diagnostics, io.Reader) {
	if resp.StatusCode < 400 || e.List == "" || !shared.IsJSON(resp.Header.Get("Content-Type")) {
		return nil, resp.Body
	}
	head, err := io.ReadAll(io.LimitReader(resp.Body, MaxErrorPeek))
	if err != nil {
		return nil, io.MultiReader(bytes.NewReader(head), errReader{err})
	}
	return e.diagnostics(e.Extract(head)), io.MultiReader(bytes.NewReader(head), resp.Body)
}

// diagnostics turns the API's errors into diagnostics that keep the
// API's code and name the parameter (as the diagnostic's field).
func (e *APIErrors) diagnostics(errs []APIError) schema.Diagnostics {
	var ds schema.Diagnostics
	for i, ae := range errs {
		if i == MaxAPIDiagnostics {
			ds = append(ds, schema.Errorf("", CodeMoreErrors, "the response body has them all",
				"and %d more errors", len(errs)-i))
			break
		}
		code := ae.Code
		if code == "" {
			code = DefaultAPIErrorCode
		}
		d := schema.Diagnostic{Severity: schema.SeverityError, Field: ae.Parameter, Code: code, Summary: ae.Message}
		if h, ok := e.Hints[code]; ok {
			d.Summary = h.Summary + ": " + ae.Message
			d.Detail = h.Detail
		}
		if d.Summary == "" {
			d.Summary = code
		}
		if d.Detail == "" && ae.Parameter != "" {
			d.Detail = fmt.Sprintf("check the parameter %s", ae.Parameter)
		}
		ds = append(ds, d)
	}
	return ds
}

// errReader returns err on every read.
type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }
