package httpconn

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

func TestExtract(t *testing.T) {
	tests := []struct {
		name  string
		rules APIErrors
		body  string
		want  []APIError
	}{
		{"one error object at $.error", APIErrors{List: "$.error", Code: "type", Message: "message", Parameter: "field"},
			`{"error":{"type":"bad_key","message":"no","field":"key"}}`, []APIError{{"bad_key", "no", "key"}}},
		{"a list", APIErrors{List: "errors", Code: "code", Message: "message", Parameter: "parameter"},
			`{"errors":[{"code":"A","message":"m"},{"code":"B","message":"n","parameter":"p"}]}`,
			[]APIError{{"A", "m", ""}, {"B", "n", "p"}}},
		{"nested paths and a numeric code", APIErrors{List: "meta.problems", Code: "id", Message: "text.en", Parameter: "where.param"},
			`{"meta":{"problems":[{"id":131,"text":{"en":"internal"},"where":{"param":"count"}}]}}`,
			[]APIError{{"131", "internal", "count"}}},
		{"entries that are not objects are skipped", APIErrors{List: "errors", Code: "code"},
			`{"errors":["x",{"code":"A"},7]}`, []APIError{{Code: "A"}}},
		{"no errors there", APIErrors{List: "$.error", Code: "type"}, `{"data":[]}`, nil},
		{"not JSON", APIErrors{List: "errors", Code: "code"}, `<html>oops</html>`, nil},
		{"two JSON values", APIErrors{List: "errors", Code: "code"}, `{"errors":[{"code":"A"}]} {}`, nil},
		{"no list configured", APIErrors{}, `{"errors":[{"code":"A"}]}`, nil},
		{"the body itself is the error ($)", APIErrors{List: "$", Code: "code", Message: "message"},
			`{"code":"bad_token","message":"the token expired"}`, []APIError{{"bad_token", "the token expired", ""}}},
		{"the body itself is a list of errors ($.)", APIErrors{List: "$.", Message: "message"},
			`[{"message":"a"},{"message":"b"}]`, []APIError{{Message: "a"}, {Message: "b"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.rules.Extract([]byte(tt.body))); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

// TestAPIErrorsBecomeDiagnostics: the errors at the profile's path become
// diagnostics with the API's code, the parameter as the field, and the
// profile's hint for the code.
func TestAPIErrorsBecomeDiagnostics(t *testing.T) {
	a := newAPI(t)
	c := testConn(t, a.URL)
	body := `{"error":{"type":"bad_key","message":"signature mismatch","field":"key_id"}}`
	a.setAnswer(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(401)
		io.WriteString(w, body)
	})
	resp, b := do(t, newTestEngine(Options{}), c, shared.Request{URL: "items"})
	want := schema.Diagnostics{{Severity: schema.SeverityError, Field: "key_id", Code: "bad_key",
		Summary: "the key was refused: signature mismatch", Detail: "check the signing key"}}
	if diff := cmp.Diff(want, resp.Diagnostics); resp.Status != 401 || diff != "" {
		t.Errorf("status %d, diagnostics (-want +got)\n%s", resp.Status, diff)
	}
	if string(b) != body {
		t.Errorf("body %s", b)
	}
	a.setAnswer(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(400)
		io.WriteString(w, `{"error":{"message":"count is too large","field":"count"}}`)
	})
	resp, _ = do(t, newTestEngine(Options{}), c, shared.Request{URL: "items"})
	if d := resp.Diagnostics; len(d) != 1 || d[0].Code != DefaultAPIErrorCode || d[0].Field != "count" || d[0].Detail != "check the parameter count" {
		t.Errorf("diagnostics %+v", d)
	}
}

func TestLargeErrorBodiesAreReplayedWhole(t *testing.T) {
	a := newAPI(t)
	c := testConn(t, a.URL)
	c.Profile.Errors = APIErrors{List: "errors", Code: "code", Message: "message", Parameter: "parameter"}
	tests := []struct {
		name   string
		status int
		body   string
		diags  int
	}{
		{"small", 400, `{"errors":[{"code":"A","message":"m"},{"code":"B","message":"n","parameter":"p"}]}`, 2},
		{"over the peek limit", 400, `{"errors":[{"code":"A","message":"` + strings.Repeat("x", 2*MaxErrorPeek) + `"}]}`, 0},
		{"not JSON", 400, `<html>oops</html>`, 0},
		{"many errors", 400, `{"errors":[` + strings.TrimSuffix(strings.Repeat(`{"code":"A","message":"m"},`, 60), ",") + `]}`, MaxAPIDiagnostics + 1},
		{"not an error status", 200, `{"errors":[{"code":"A","message":"m"}]}`, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a.setAnswer(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json; charset=utf-8")
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.body)
			})
			resp, b := do(t, newTestEngine(Options{}), c, shared.Request{URL: "x"})
			if string(b) != tt.body {
				t.Errorf("body of %d bytes, want %d", len(b), len(tt.body))
			}
			if len(resp.Diagnostics) != tt.diags {
				t.Errorf("diagnostics %v", codes(resp.Diagnostics))
			}
		})
	}
}
