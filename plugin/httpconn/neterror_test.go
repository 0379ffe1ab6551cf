package httpconn

import (
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/openintegrator/integrator/shared"
)

// TestNetworkErrors: a request that gets no answer has status 0 and a
// diagnostic that names the host and the cause, never the URL's query.
func TestNetworkErrors(t *testing.T) {
	a := newAPI(t)
	tlsSrv := httptest.NewUnstartedServer(http.NotFoundHandler())
	tlsSrv.Config.ErrorLog = log.New(io.Discard, "", 0) // the handshake errors are the point
	tlsSrv.StartTLS()
	t.Cleanup(tlsSrv.Close)
	hungUp := newAPI(t)
	hungUp.setAnswer(hangUp)
	tests := []struct {
		name    string
		base    string
		code    string
		summary string
	}{
		{"DNS", "https://nonexistent.invalid", CodeDNSError, "cannot resolve host nonexistent.invalid"},
		{"refused", "http://" + closedPort(t), CodeConnectionRefused, "connection refused by 127.0.0.1:"},
		{"untrusted certificate", tlsSrv.URL, CodeTLSError, "TLS handshake with 127.0.0.1:"},
		{"TLS to plain HTTP", strings.Replace(a.URL, "http:", "https:", 1), CodeTLSError, "TLS handshake with"},
		{"reset", hungUp.URL, CodeConnectionReset, "broke before the answer arrived"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, _ := do(t, newTestEngine(Options{}), testConn(t, tt.base),
				shared.Request{URL: "items", Query: params("token", "query-secret"), MaxAttempts: 1})
			if resp.Status != 0 || len(resp.Diagnostics) == 0 {
				t.Fatalf("status %d, %v", resp.Status, resp.Diagnostics)
			}
			d := resp.Diagnostics[0]
			if d.Code != tt.code || !strings.Contains(d.Summary, tt.summary) || d.Detail == "" || strings.Contains(d.Error(), "query-secret") {
				t.Errorf("got %s %q (%s), want %s %q", d.Code, d.Summary, d.Detail, tt.code, tt.summary)
			}
		})
	}
}
