package twitterads

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/openintegrator/integrator/plugin/httpconn"
	"github.com/openintegrator/integrator/plugin/twitteradssim"
)

// TestPingWaitsOutAnswersThatAskToWait: a connection test answered 429 or
// 503 waits as the answer asks (within PingTimeout) and tries again, says
// so in a warning, and judges the answer that follows; nothing else is
// retried.
func TestPingWaitsOutAnswersThatAskToWait(t *testing.T) {
	srv := newSim(t)
	wrong := srv.Credentials
	wrong.ConsumerSecret = strings.ToUpper(wrong.ConsumerSecret[:5]) + "x" + wrong.ConsumerSecret[6:]
	fault := func(k twitteradssim.FaultKind, times int, retry time.Duration) twitteradssim.Faults {
		return twitteradssim.Faults{{Kind: k, Times: times, RetryAfter: retry}}
	}
	tests := []struct {
		name   string
		faults twitteradssim.Faults
		wrong  bool
		ok     bool
		code   string // the first diagnostic's, "" for none
		sent   int
		waits  []time.Duration // at least these, in order
	}{
		{name: "503 once, retry-after 2s", faults: fault(twitteradssim.FaultUnavailable, 1, 2*time.Second), ok: true, sent: 2, waits: []time.Duration{2 * time.Second}},
		{name: "503 over capacity twice", faults: fault(twitteradssim.FaultOverCapacity, 2, 0), ok: true, sent: 3, waits: []time.Duration{0, 0}},
		{name: "429 once, reset soon", faults: fault(twitteradssim.FaultTooManyRequests, 1, 3*time.Second), ok: true, sent: 2, waits: []time.Duration{time.Second}},
		// The 429 came before the credentials were checked: only the next
		// answer can say whether they are right.
		{name: "429 once, then wrong credentials", faults: fault(twitteradssim.FaultTooManyRequests, 1, 3*time.Second), wrong: true,
			code: CodeAuthenticationFailed, sent: 2, waits: []time.Duration{time.Second}},
		{name: "429 with a reset past the test's timeout", faults: fault(twitteradssim.FaultTooManyRequests, 1, 10*time.Minute), ok: true,
			code: CodeThrottled, sent: 1},
		{name: "503 every time", faults: fault(twitteradssim.FaultUnavailable, 0, time.Second), code: CodeUnexpectedStatus, sent: PingAttempts,
			waits: []time.Duration{time.Second, time.Second}},
		{name: "500 is not waited for", faults: fault(twitteradssim.FaultInternalError, 1, 0), code: CodeUnexpectedStatus, sent: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv.SetFaults(tt.faults)
			defer srv.SetFaults(nil)
			var logs bytes.Buffer
			var waits []time.Duration
			c := newConnector(hclog.New(&hclog.LoggerOptions{Output: &logs, Level: hclog.Warn}),
				httpconn.Options{Sleep: func(ctx context.Context, d time.Duration) error { waits = append(waits, d); return nil }})
			cfg := simConfig(srv, KeyAccountID, srv.AccountID)
			if tt.wrong {
				cfg = credsConfig(wrong, srv.URL, KeyAccountID, srv.AccountID)
			}
			before := requests(srv)
			r, err := c.Ping(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			if r.OK != tt.ok {
				t.Errorf("ok = %v, want %v; %v", r.OK, tt.ok, r.Diagnostics)
			}
			if got := ""; len(r.Diagnostics) > 0 {
				got = r.Diagnostics[0].Code
				if got != tt.code {
					t.Errorf("first diagnostic %s, want %q", got, tt.code)
				}
			} else if tt.code != "" {
				t.Errorf("no diagnostics, want %s", tt.code)
			}
			if got := requests(srv) - before; got != tt.sent {
				t.Errorf("the simulator saw %d requests, want %d", got, tt.sent)
			}
			if len(waits) != len(tt.waits) {
				t.Fatalf("waits %v, want %d", waits, len(tt.waits))
			}
			for i, w := range tt.waits {
				if waits[i] < w {
					t.Errorf("wait %d was %s, want at least %s", i, waits[i], w)
				}
			}
			warned := strings.Count(logs.String(), "connection test: the API answered")
			if warned != len(waits) {
				t.Errorf("%d warnings for %d waits:\n%s", warned, len(waits), logs.String())
			}
			if len(waits) > 0 && facts(r)["attempts"] == "" {
				t.Errorf("no attempts fact: %v", r.Facts)
			}
		})
	}
}
