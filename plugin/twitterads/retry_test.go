package twitterads

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/openintegrator/integrator/plugin/httpconn"
	"github.com/openintegrator/integrator/plugin/twitteradssim"
	"github.com/openintegrator/integrator/shared"
)

type fault = twitteradssim.Fault

const campaigns = "/campaigns"

func TestRetries(t *testing.T) {
	tests := []struct {
		name       string
		fault      fault
		post       bool // create a campaign instead of listing campaigns
		req        shared.Request
		status     int
		attempts   int
		codes      []string // diagnostic codes, in order
		minWait    time.Duration
		maxElapsed time.Duration
		created    int // campaigns created, for a POST
	}{
		{name: "429 then success waits for the reset",
			fault:  fault{Kind: twitteradssim.FaultTooManyRequests, Path: campaigns, Times: 1, RetryAfter: 300 * time.Millisecond},
			status: 200, attempts: 2, minWait: 250 * time.Millisecond},
		{name: "every 429 is waited for",
			fault:  fault{Kind: twitteradssim.FaultTooManyRequests, Path: campaigns, Times: 3, RetryAfter: 100 * time.Millisecond},
			status: 200, attempts: 4, minWait: 250 * time.Millisecond},
		{name: "429 with a reset beyond the deadline is returned",
			fault: fault{Kind: twitteradssim.FaultTooManyRequests, Path: campaigns, RetryAfter: time.Hour},
			req:   shared.Request{Timeout: 2 * time.Second}, status: 429, attempts: 1,
			codes: []string{"TOO_MANY_REQUESTS", httpconn.CodeRateLimited}, maxElapsed: time.Second},
		{name: "429 beyond the maximum wait is returned",
			fault: fault{Kind: twitteradssim.FaultTooManyRequests, Path: campaigns, RetryAfter: 3 * time.Second},
			req:   shared.Request{MaxWait: time.Second}, status: 429, attempts: 1,
			codes: []string{"TOO_MANY_REQUESTS", httpconn.CodeRateLimited}, maxElapsed: time.Second},
		{name: "429 on a POST is retried: it was not processed", post: true,
			fault:  fault{Kind: twitteradssim.FaultTooManyRequests, Path: campaigns, Times: 1, RetryAfter: 100 * time.Millisecond},
			status: 200, attempts: 2, created: 1},
		{name: "503 honours retry-after",
			fault:  fault{Kind: twitteradssim.FaultUnavailable, Path: campaigns, Times: 1, RetryAfter: time.Second},
			status: 200, attempts: 2, minWait: time.Second},
		{name: "503 on a POST is retried", post: true,
			fault:  fault{Kind: twitteradssim.FaultOverCapacity, Path: campaigns, Times: 2},
			status: 200, attempts: 3, created: 1},
		{name: "503 given up when the attempts are spent",
			fault: fault{Kind: twitteradssim.FaultUnavailable, Path: campaigns},
			req:   shared.Request{MaxAttempts: 2}, status: 503, attempts: 2,
			codes: []string{"SERVICE_UNAVAILABLE", httpconn.CodeServiceUnavailable, "attempts_exhausted"}},
		{name: "500 on a GET backs off",
			fault:  fault{Kind: twitteradssim.FaultInternalError, Path: campaigns, Times: 2},
			status: 200, attempts: 3, minWait: 20 * time.Millisecond},
		{name: "500 on a GET given up",
			fault: fault{Kind: twitteradssim.FaultInternalError, Path: campaigns},
			req:   shared.Request{MaxAttempts: 3}, status: 500, attempts: 3,
			codes: []string{"INTERNAL_ERROR", httpconn.CodeServerError, "attempts_exhausted"}},
		{name: "500 on a POST is not retried", post: true,
			fault:  fault{Kind: twitteradssim.FaultInternalError, Path: campaigns, Times: 1},
			status: 500, attempts: 1, codes: []string{"INTERNAL_ERROR", httpconn.CodeOutcomeUnknown}},
		{name: "POST reset after processing is not duplicated", post: true,
			fault:  fault{Kind: twitteradssim.FaultResetAfter, Method: "POST", Path: campaigns, Times: 1},
			status: 0, attempts: 1, codes: []string{httpconn.CodeConnectionReset, httpconn.CodeOutcomeUnknown}, created: 1},
		{name: "POST reset before processing cannot be proven unsent", post: true,
			fault:  fault{Kind: twitteradssim.FaultResetBefore, Method: "POST", Path: campaigns, Times: 1},
			status: 0, attempts: 1, codes: []string{httpconn.CodeConnectionReset, httpconn.CodeOutcomeUnknown}, created: 0},
		// net/http replays the GET on a new connection with the same
		// nonce; the API refuses the nonce, and the connector signs anew.
		{name: "GET reset after processing is retried",
			fault:  fault{Kind: twitteradssim.FaultResetAfter, Method: "GET", Path: campaigns, Times: 1},
			status: 200, attempts: 2},
		// net/http replays the first, the second fails on a fresh
		// connection and the connector retries.
		{name: "GET reset before processing is retried",
			fault:  fault{Kind: twitteradssim.FaultResetBefore, Method: "GET", Path: campaigns, Times: 2},
			status: 200, attempts: 2},
		{name: "slow answer past the timeout",
			fault: fault{Kind: twitteradssim.FaultSlow, Path: campaigns, Delay: 10 * time.Second},
			req:   shared.Request{Timeout: 300 * time.Millisecond}, status: 0, attempts: 1,
			codes: []string{httpconn.CodeTimeout}, maxElapsed: 2 * time.Second},
		{name: "slow POST past the timeout has an unknown outcome", post: true,
			fault: fault{Kind: twitteradssim.FaultSlow, Path: campaigns, Delay: 10 * time.Second},
			req:   shared.Request{Timeout: 300 * time.Millisecond}, status: 0, attempts: 1,
			codes: []string{httpconn.CodeTimeout, httpconn.CodeOutcomeUnknown}, maxElapsed: 2 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newSim(t)
			c := newTestConnector()
			fi := fundingInstrument(t, c, srv) // also warms a kept-alive connection
			req := tt.req
			req.URL = "accounts/" + srv.AccountID + "/campaigns"
			if tt.post {
				req.Method, req.Query = http.MethodPost, campaignParams(fi, "retry test")
			}
			srv.SetFaults(twitteradssim.Faults{tt.fault})
			start := time.Now()
			resp, _ := do(t, c, simConfig(srv), req)
			elapsed := time.Since(start)
			if resp.Status != tt.status {
				t.Errorf("status %d, want %d; %v", resp.Status, tt.status, resp.Diagnostics)
			}
			if tt.attempts > 0 && resp.Attempts != tt.attempts {
				t.Errorf("attempts %d, want %d", resp.Attempts, tt.attempts)
			}
			if got := strings.Join(codes(resp.Diagnostics), " "); got != strings.Join(tt.codes, " ") {
				t.Errorf("diagnostics %v, want %v", resp.Diagnostics, tt.codes)
			}
			if resp.Waited < tt.minWait || resp.Waited > elapsed {
				t.Errorf("waited %s, want at least %s (elapsed %s)", resp.Waited, tt.minWait, elapsed)
			}
			if tt.maxElapsed > 0 && elapsed > tt.maxElapsed {
				t.Errorf("took %s", elapsed)
			}
			if got := srv.Counts().Created["campaign"]; tt.post && got != tt.created {
				t.Errorf("created %d campaigns, want %d", got, tt.created)
			}
		})
	}
}

func TestRateLimitedDiagnosticSaysWhen(t *testing.T) {
	srv := newSim(t, twitteradssim.WithFaults(twitteradssim.Faults{{Kind: twitteradssim.FaultTooManyRequests, RetryAfter: time.Hour}}))
	resp, _ := do(t, newTestConnector(), simConfig(srv), shared.Request{URL: "accounts/" + srv.AccountID})
	d, ok := find(resp.Diagnostics, httpconn.CodeRateLimited)
	if !ok || !strings.Contains(d.Summary, "account budget") || !strings.Contains(d.Summary, "resets at") ||
		!strings.Contains(d.Detail, "timeout") {
		t.Errorf("%v", resp.Diagnostics)
	}
	if resp.RateLimit == nil || resp.RateLimit.Remaining != 0 || time.Until(resp.RateLimit.Reset) < 59*time.Minute {
		t.Errorf("rate limit %+v", resp.RateLimit)
	}
}

func TestRealRateLimitWindow(t *testing.T) {
	l := twitteradssim.DefaultRateLimits()
	l.Read = twitteradssim.Budget{Limit: 2, Window: time.Second}
	srv := newSim(t, twitteradssim.WithRateLimits(l))
	c := newTestConnector()
	for i := 0; i < 3; i++ {
		resp, _ := do(t, c, simConfig(srv), shared.Request{URL: "accounts/" + srv.AccountID})
		if resp.Status != 200 {
			t.Fatalf("call %d: %d %v", i, resp.Status, resp.Diagnostics)
		}
	}
	if n := srv.Counts().Requests["GET /accounts/:account_id"]; n > 4 {
		t.Errorf("%d requests for 3 calls: the connector came back before the reset", n)
	}
}

// TestAccountBudgetBeforeUserBudget: the per-account budget
// (x-account-rate-limit-*) comes before the per-user one (x-rate-limit-*):
// a 429 waits for the reset of the spent budget, the account's first, and
// the head reports the account's.
func TestAccountBudgetBeforeUserBudget(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	rl := newProfile("test").RateLimits
	reset := func(d time.Duration) string { return strconv.FormatInt(now.Add(d).Unix(), 10) }
	hdr := func(kv ...string) http.Header {
		h := http.Header{}
		for i := 0; i+1 < len(kv); i += 2 {
			h.Set(kv[i], kv[i+1])
		}
		return h
	}
	tests := []struct {
		name  string
		h     http.Header
		scope string
		wait  time.Duration
	}{
		{"both spent: the account's reset", hdr("X-Account-Rate-Limit-Remaining", "0", "X-Account-Rate-Limit-Reset", reset(7*time.Second),
			"X-Rate-Limit-Remaining", "0", "X-Rate-Limit-Reset", reset(3*time.Second)), "account", 7 * time.Second},
		{"the user's spent", hdr("X-Account-Rate-Limit-Remaining", "5", "X-Account-Rate-Limit-Reset", reset(9*time.Second),
			"X-Rate-Limit-Remaining", "0", "X-Rate-Limit-Reset", reset(4*time.Second)), "user", 4 * time.Second},
		{"user only", hdr("X-Rate-Limit-Remaining", "0", "X-Rate-Limit-Reset", reset(2*time.Second)), "user", 2 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			at, scope, ok := rl.ResetOf(tt.h, now)
			if !ok || scope != tt.scope || at.Sub(now) != tt.wait {
				t.Errorf("reset in %s (%s budget), want %s (%s)", at.Sub(now), scope, tt.wait, tt.scope)
			}
		})
	}
	if st := rl.State(tests[1].h, now); st == nil || st.Scope != "account" || st.Remaining != 5 {
		t.Errorf("state %+v", st)
	}
}
