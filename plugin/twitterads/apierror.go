package twitterads

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"

	"github.com/openintegrator/integrator/schema"
)

// maxErrorPeek bounds how much of an error answer is read to find the
// API's errors; the caller still gets the whole body.
const maxErrorPeek = 1 << 20

// maxAPIDiagnostics bounds the diagnostics made from one answer (a batch
// can report hundreds of errors; they are all in the body).
const maxAPIDiagnostics = 50

// apiError is one entry of the API's "errors" array.
type apiError struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	Parameter string `json:"parameter"`
}

// apiHint says what an API error code means for the user.
type apiHint struct{ summary, detail string }

var apiHints = map[string]apiHint{
	"UNAUTHORIZED_ACCESS": {"authentication failed",
		"check the consumer key and secret, the access token and token secret, and that this computer's clock is right"},
	"UNAUTHORIZED_CLIENT_APPLICATION": {"the app has no Ads API access",
		"apply for Ads API access for this app in the X developer portal, or use the keys of an app that has it; regenerate the access token after approval"},
	"READONLY_CLIENT_APPLICATION": {"the app may only read",
		"give the app read and write permission in the developer portal, then regenerate the access token"},
	"ACCOUNT_NOT_FOUND": {"the ads account does not exist or this user has no access to it",
		"check the account id; the user of the access token needs a role on the account"},
	"NOT_FOUND":         {"not found", "check the ids in the path; deleted entities appear only with with_deleted=true"},
	"ROUTE_NOT_FOUND":   {"no such endpoint", "check the path, the method and the API version"},
	"INVALID":           {"invalid request", "check the API version and the path"},
	"TOO_MANY_REQUESTS": {"rate limit reached", "retry at or after the reset time in the x-rate-limit-reset headers"},
	"TOO_MANY_JOBS":     {"too many async jobs are processing", "wait for running jobs to finish"},
}

// peekErrors reads up to maxErrorPeek bytes of an error answer with a
// JSON body and returns the API's errors as diagnostics, and a reader
// that yields the whole body again: the bytes read, then the rest.
func peekErrors(resp *http.Response) (schema.Diagnostics, io.Reader) {
	if resp.StatusCode < 400 || !isJSON(resp.Header.Get("Content-Type")) {
		return nil, resp.Body
	}
	head, err := io.ReadAll(io.LimitReader(resp.Body, maxErrorPeek))
	rest := io.MultiReader(bytes.NewReader(head), resp.Body)
	if err != nil {
		return nil, io.MultiReader(bytes.NewReader(head), errReader{err})
	}
	var body struct {
		Errors []apiError `json:"errors"`
	}
	if json.Unmarshal(head, &body) != nil {
		return nil, rest
	}
	return apiDiagnostics(body.Errors), rest
}

// apiDiagnostics turns the API's errors into diagnostics that keep the
// API's code and name the parameter (as the diagnostic's field).
func apiDiagnostics(errs []apiError) schema.Diagnostics {
	var ds schema.Diagnostics
	for i, e := range errs {
		if i == maxAPIDiagnostics {
			ds = append(ds, schema.Errorf("", CodeMoreErrors, "the response body has them all",
				"and %d more errors", len(errs)-i))
			break
		}
		code := e.Code
		if code == "" {
			code = "API_ERROR"
		}
		d := schema.Diagnostic{Severity: schema.SeverityError, Field: e.Parameter, Code: code, Summary: e.Message}
		if h, ok := apiHints[code]; ok {
			d.Summary = h.summary + ": " + e.Message
			d.Detail = h.detail
		}
		if d.Summary == "" {
			d.Summary = code
		}
		if d.Detail == "" && e.Parameter != "" {
			d.Detail = fmt.Sprintf("check the parameter %s", e.Parameter)
		}
		ds = append(ds, d)
	}
	return ds
}

func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	return mt == "application/json" || len(mt) > 5 && mt[len(mt)-5:] == "+json"
}

// errReader returns err on every read.
type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }
