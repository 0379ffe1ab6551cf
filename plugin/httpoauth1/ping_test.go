package httpoauth1

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/openintegrator/integrator/plugin/httpconn"
	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// TestPing: what the connection test says for each kind of answer, with
// the API's message from ping_error_path.
func TestPing(t *testing.T) {
	api := newAPI(t)
	c := newTestConnector()
	closed, _ := net.Listen("tcp", "127.0.0.1:0")
	closedURL := "http://" + closed.Addr().String()
	closed.Close()
	errPath := []string{KeyPingErrorPath, "error.message"}
	tests := []struct {
		name    string
		cfg     schema.Config
		ok      bool
		code    string
		field   string
		message string
	}{
		{"any 2xx", hmacConfig(api), true, "", "", ""},
		{"a success value", set(hmacConfig(api), KeyPingSuccessPath, "ok", KeyPingSuccessValues, "yes, true"), true, "", "", ""},
		{"a 2xx that means failure", set(hmacConfig(api, errPath...), KeyPingPath, "suspended", KeyPingFailPath, "ok", KeyPingFailValues, "false"),
			false, CodeTestFailed, "", `ok is "false": this account is suspended`},
		{"a 2xx without the success value", set(hmacConfig(api, errPath...), KeyPingPath, "suspended", KeyPingSuccessPath, "$.ok", KeyPingSuccessValues, "true"),
			false, CodeTestFailed, "", `ok is "false", not one of [true]: this account is suspended`},
		{"a 2xx without the success path", set(hmacConfig(api), KeyPingSuccessPath, "data.0.id", KeyPingSuccessValues, "x"),
			false, CodeTestFailed, KeyPingSuccessPath, "without data.0.id"},
		{"the credentials refused", set(hmacConfig(api, errPath...), KeyConsumerSecret, "wrong"),
			false, CodeAuthenticationFailed, "", "(oauth1: signature does not match)"},
		{"the credentials refused, another status", set(hmacConfig(api, errPath...), KeyConsumerSecret, "wrong", KeyAuthFailStatus, "403"),
			false, CodeUnexpectedStatus, "", "answered 401"},
		{"a test path that is not there", set(hmacConfig(api, errPath...), KeyPingPath, "nothing/here"),
			false, CodeTestPathNotFound, KeyPingPath, "no such endpoint: GET /v1/nothing/here"},
		{"nothing listens", set(hmacConfig(api), KeyBaseURI, closedURL), false, httpconn.CodeConnectionRefused, KeyBaseURI, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := ping(t, c, tt.cfg)
			if res.OK != tt.ok || res.Latency <= 0 && tt.ok {
				t.Fatalf("ok %v, latency %v: %v", res.OK, res.Latency, res.Diagnostics)
			}
			if tt.code == "" {
				if res.Diagnostics.HasError() {
					t.Errorf("%v", res.Diagnostics)
				}
				return
			}
			d, found := find(res.Diagnostics, tt.code)
			if !found || d.Field != tt.field || !strings.Contains(d.Summary, tt.message) || d.Detail == "" {
				t.Errorf("want %s on %q with %q: %+v", tt.code, tt.field, tt.message, res.Diagnostics)
			}
		})
	}
}

// TestPingWithABodyAndATopLevelMessage: a POST test sends ping_body as
// media_type says, and an error message at the top of the answer
// ("message") is found, for the test and for requests.
func TestPingWithABodyAndATopLevelMessage(t *testing.T) {
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = append(got, r.Method+" "+r.URL.Path+" "+r.Header.Get("Content-Type")+" "+string(b))
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(400)
		io.WriteString(w, `{"message":"the query is malformed","code":17}`)
	}))
	defer srv.Close()
	cfg := set(schema.Config{}, KeyBaseURI, srv.URL+"/api", KeySignatureMethod, "HMAC-SHA1", KeyConsumerKey, "ck", KeyConsumerSecret, "cs",
		KeyPingPath, "/check", KeyPingMethod, "POST", KeyPingBody, `{"q":1}`, KeyPingErrorPath, "message")
	c := newTestConnector()
	res := ping(t, c, cfg)
	if d, ok := find(res.Diagnostics, CodeUnexpectedStatus); res.OK || !ok || !strings.Contains(d.Summary, "POST /check answered 400: the query is malformed") {
		t.Errorf("%v", res.Diagnostics)
	}
	if len(got) != 1 || got[0] != `POST /api/check application/json {"q":1}` {
		t.Errorf("the API received %q", got)
	}
	resp, _ := do(t, c, cfg, shared.Request{URL: "x"})
	if len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Summary != "the query is malformed" {
		t.Errorf("DoRequest: %v", resp.Diagnostics)
	}
}
