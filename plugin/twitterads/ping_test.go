package twitterads

import (
	"context"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/openintegrator/integrator/plugin/httpconn"
	"github.com/openintegrator/integrator/plugin/twitteradssim"
	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

func facts(r shared.PingResult) map[string]string {
	m := map[string]string{}
	for _, f := range r.Facts {
		m[f.Key] = f.Value
	}
	return m
}

func TestPing(t *testing.T) {
	srv := newSim(t)
	throttled := newSim(t, twitteradssim.WithRateLimits(func() twitteradssim.RateLimits {
		l := twitteradssim.DefaultRateLimits()
		l.NoAccount.Limit = 0
		return l
	}()))
	tlsSrv := httptest.NewUnstartedServer(http.NotFoundHandler())
	tlsSrv.Config.ErrorLog = log.New(io.Discard, "", 0) // the handshake errors are the point
	tlsSrv.StartTLS()
	t.Cleanup(tlsSrv.Close)
	wrong := srv.Credentials
	wrong.ConsumerSecret = strings.ToUpper(wrong.ConsumerSecret[:5]) + "x" + wrong.ConsumerSecret[6:]

	tests := []struct {
		name    string
		srv     *twitteradssim.Server // whose requests are counted
		cfg     schema.Config
		ok      bool
		code    string // the first diagnostic's, "" for none
		field   string
		summary string // part of the first diagnostic's summary
		sent    int    // requests the simulator saw
	}{
		{name: "ok without account", srv: srv, cfg: simConfig(srv), ok: true, sent: 1},
		{name: "ok with account", srv: srv, cfg: simConfig(srv, KeyAccountID, srv.AccountID), ok: true, sent: 1},
		{name: "wrong secret", srv: srv, cfg: credsConfig(wrong, srv.URL), code: CodeAuthenticationFailed,
			summary: "authentication failed", sent: 1},
		{name: "app without Ads API access", srv: srv, cfg: credsConfig(srv.NoAccessCredentials, srv.URL),
			code: CodeNoAdsAPIAccess, field: KeyConsumerKey, summary: "no Ads API access", sent: 1},
		{name: "wrong account id", srv: srv, cfg: simConfig(srv, KeyAccountID, "zzzzzz"), code: CodeAccountNotFound,
			field: KeyAccountID, summary: "zzzzzz was not found", sent: 1},
		{name: "throttled is ok with a warning", srv: throttled, cfg: simConfig(throttled), ok: true, code: CodeThrottled,
			summary: "credentials were accepted", sent: 1},
		{name: "dead API version", srv: srv, cfg: simConfig(srv, KeyAPIVersion, "9"), code: CodeVersionUnavailable,
			field: KeyAPIVersion, sent: 1},
		{name: "invalid settings, no request", srv: srv, cfg: set(simConfig(srv), KeyTokenSecret, ""),
			code: schema.CodeMissingRequired, field: KeyTokenSecret},
		{name: "DNS error", cfg: simConfig(srv, KeyBaseURI, "https://nonexistent.invalid"), code: httpconn.CodeDNSError,
			field: KeyBaseURI, summary: "cannot resolve host nonexistent.invalid"},
		{name: "connection refused", cfg: simConfig(srv, KeyBaseURI, "http://"+closedPort(t)), code: httpconn.CodeConnectionRefused,
			field: KeyBaseURI, summary: "connection refused by 127.0.0.1:"},
		{name: "untrusted TLS certificate", cfg: simConfig(srv, KeyBaseURI, tlsSrv.URL), code: httpconn.CodeTLSError,
			field: KeyBaseURI, summary: "TLS handshake with 127.0.0.1:"},
		{name: "TLS to a plain HTTP server", cfg: simConfig(srv, KeyBaseURI, strings.Replace(srv.URL, "http:", "https:", 1)),
			code: httpconn.CodeTLSError, field: KeyBaseURI, summary: "TLS handshake with"},
	}
	c := New(nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var before int
			if tt.srv != nil {
				before = requests(tt.srv)
			}
			r, err := c.Ping(context.Background(), tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if r.OK != tt.ok {
				t.Errorf("ok = %v, want %v; diagnostics %v", r.OK, tt.ok, r.Diagnostics)
			}
			switch {
			case tt.code == "" && len(r.Diagnostics) > 0:
				t.Errorf("unexpected diagnostics %v", r.Diagnostics)
			case tt.code != "" && len(r.Diagnostics) == 0:
				t.Errorf("no diagnostics, want %s", tt.code)
			case tt.code != "":
				d := r.Diagnostics[0]
				if d.Code != tt.code || d.Field != tt.field || !strings.Contains(d.Summary, tt.summary) || d.Detail == "" {
					t.Errorf("got %s [%s] %q (%s), want %s [%s] %q", d.Code, d.Field, d.Summary, d.Detail, tt.code, tt.field, tt.summary)
				}
				if wantSev := schema.SeverityError; tt.ok {
					if d.Severity == wantSev {
						t.Errorf("severity %s on an ok result", d.Severity)
					}
				} else if d.Severity != wantSev {
					t.Errorf("severity %s", d.Severity)
				}
			}
			if tt.srv != nil {
				if got := requests(tt.srv) - before; got != tt.sent {
					t.Errorf("the simulator saw %d requests, want %d", got, tt.sent)
				}
			}
			if tt.sent > 0 && facts(r)["latency"] == "" {
				t.Errorf("no latency fact: %v", r.Facts)
			}
		})
	}
}

func TestPingFacts(t *testing.T) {
	srv := newSim(t)
	c := New(nil)
	r, err := c.Ping(context.Background(), simConfig(srv, KeyAccountID, srv.AccountID))
	if err != nil || !r.OK {
		t.Fatalf("%v %v", err, r.Diagnostics)
	}
	f := facts(r)
	if f["api_version"] != "12" {
		t.Errorf("api_version %q", f["api_version"])
	}
	if !strings.HasPrefix(f["rate_limit_remaining"], "9999 of 10000 (account)") {
		t.Errorf("rate_limit_remaining %q", f["rate_limit_remaining"])
	}
	if !strings.Contains(f["account"], srv.AccountID) {
		t.Errorf("account %q", f["account"])
	}
	if r.Latency <= 0 || r.Latency > 10*time.Second {
		t.Errorf("latency %s", r.Latency)
	}
	// Without an account id, GET /accounts reports the user-level budget.
	r, _ = c.Ping(context.Background(), simConfig(srv))
	if got := facts(r)["rate_limit_remaining"]; !strings.HasPrefix(got, "4 of 5 (user)") {
		t.Errorf("rate_limit_remaining %q", got)
	}
}

// TestPingRetries429AtMostPingAttempts: a 429 whose reset is near is
// waited for, but at most PingAttempts requests are sent (GET /accounts
// allows only 5 per 15 minutes); one still throttled is ok, with a warning.
func TestPingRetries429AtMostPingAttempts(t *testing.T) {
	srv := newSim(t, twitteradssim.WithFaults(twitteradssim.Faults{{Kind: twitteradssim.FaultTooManyRequests, RetryAfter: 50 * time.Millisecond}}))
	c := newConnector(nil, httpconn.Options{Sleep: func(context.Context, time.Duration) error { return nil }})
	r, err := c.Ping(context.Background(), simConfig(srv))
	if err != nil || !r.OK {
		t.Fatalf("%v %v", err, r.Diagnostics)
	}
	if n := srv.Counts().Requests["GET /accounts"]; n != PingAttempts {
		t.Errorf("GET /accounts sent %d times, want %d", n, PingAttempts)
	}
	if d, ok := find(r.Diagnostics, CodeThrottled); !ok || !strings.Contains(d.Summary, "resets at") {
		t.Errorf("diagnostics %v", r.Diagnostics)
	}
}

func TestPingCancelled(t *testing.T) {
	srv := newSim(t, twitteradssim.WithFaults(twitteradssim.Faults{{Kind: twitteradssim.FaultSlow, Delay: 10 * time.Second}}))
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := New(nil).Ping(ctx, simConfig(srv)); err == nil {
		t.Error("no error after the context ended")
	}
}
