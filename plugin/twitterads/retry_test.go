package twitterads

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

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
			codes: []string{"TOO_MANY_REQUESTS", CodeRateLimited}, maxElapsed: time.Second},
		{name: "429 beyond the maximum wait is returned",
			fault: fault{Kind: twitteradssim.FaultTooManyRequests, Path: campaigns, RetryAfter: 3 * time.Second},
			req:   shared.Request{MaxWait: time.Second}, status: 429, attempts: 1,
			codes: []string{"TOO_MANY_REQUESTS", CodeRateLimited}, maxElapsed: time.Second},
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
			codes: []string{"SERVICE_UNAVAILABLE", CodeServiceUnavailable, "attempts_exhausted"}},
		{name: "500 on a GET backs off",
			fault:  fault{Kind: twitteradssim.FaultInternalError, Path: campaigns, Times: 2},
			status: 200, attempts: 3, minWait: 20 * time.Millisecond},
		{name: "500 on a GET given up",
			fault: fault{Kind: twitteradssim.FaultInternalError, Path: campaigns},
			req:   shared.Request{MaxAttempts: 3}, status: 500, attempts: 3,
			codes: []string{"INTERNAL_ERROR", CodeServerError, "attempts_exhausted"}},
		{name: "500 on a POST is not retried", post: true,
			fault:  fault{Kind: twitteradssim.FaultInternalError, Path: campaigns, Times: 1},
			status: 500, attempts: 1, codes: []string{"INTERNAL_ERROR", CodeOutcomeUnknown}},
		{name: "POST reset after processing is not duplicated", post: true,
			fault:  fault{Kind: twitteradssim.FaultResetAfter, Method: "POST", Path: campaigns, Times: 1},
			status: 0, attempts: 1, codes: []string{CodeConnectionReset, CodeOutcomeUnknown}, created: 1},
		{name: "POST reset before processing cannot be proven unsent", post: true,
			fault:  fault{Kind: twitteradssim.FaultResetBefore, Method: "POST", Path: campaigns, Times: 1},
			status: 0, attempts: 1, codes: []string{CodeConnectionReset, CodeOutcomeUnknown}, created: 0},
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
			codes: []string{CodeTimeout}, maxElapsed: 2 * time.Second},
		{name: "slow POST past the timeout has an unknown outcome", post: true,
			fault: fault{Kind: twitteradssim.FaultSlow, Path: campaigns, Delay: 10 * time.Second},
			req:   shared.Request{Timeout: 300 * time.Millisecond}, status: 0, attempts: 1,
			codes: []string{CodeTimeout, CodeOutcomeUnknown}, maxElapsed: 2 * time.Second},
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
	d, ok := find(resp.Diagnostics, CodeRateLimited)
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

func TestPOSTToAClosedPortIsRetried(t *testing.T) {
	srv := newSim(t)
	cfg := simConfig(srv, KeyBaseURI, "http://"+closedPort(t))
	resp, _ := do(t, newTestConnector(), cfg, shared.Request{Method: "POST", URL: "accounts/x/campaigns", MaxAttempts: 3})
	if resp.Status != 0 || resp.Attempts != 3 {
		t.Errorf("status %d attempts %d", resp.Status, resp.Attempts)
	}
	if got := codes(resp.Diagnostics); len(got) != 2 || got[0] != CodeConnectionRefused || got[1] != "attempts_exhausted" {
		t.Errorf("diagnostics %v", resp.Diagnostics)
	}
}

func TestJudge(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	c := newTestConnector()
	c.now = func() time.Time { return now }
	c.jitter = func(d time.Duration) time.Duration { return d - 1 }
	get := &outgoing{method: "GET", timeout: time.Minute, maxWait: time.Minute}
	post := &outgoing{method: "POST", timeout: time.Minute, maxWait: time.Minute}
	hdr := func(kv ...string) http.Header {
		h := http.Header{}
		for i := 0; i+1 < len(kv); i += 2 {
			h.Set(kv[i], kv[i+1])
		}
		return h
	}
	reset := func(d time.Duration) string { return strconv.FormatInt(now.Add(d).Unix(), 10) }
	tests := []struct {
		name     string
		o        *outgoing
		status   int
		h        http.Header
		replayed bool
		why      string
		wait     time.Duration
	}{
		{"429 account reset first", get, 429, hdr("X-Account-Rate-Limit-Remaining", "0", "X-Account-Rate-Limit-Reset", reset(7*time.Second),
			"X-Rate-Limit-Remaining", "0", "X-Rate-Limit-Reset", reset(3*time.Second)), false, "429", 7 * time.Second},
		{"429 spent user budget", get, 429, hdr("X-Account-Rate-Limit-Remaining", "5", "X-Account-Rate-Limit-Reset", reset(9*time.Second),
			"X-Rate-Limit-Remaining", "0", "X-Rate-Limit-Reset", reset(4*time.Second)), false, "429", 4 * time.Second},
		{"429 user only", post, 429, hdr("X-Rate-Limit-Remaining", "0", "X-Rate-Limit-Reset", reset(2*time.Second)), false, "429", 2 * time.Second},
		{"429 retry-after later than the reset", get, 429, hdr("X-Rate-Limit-Reset", reset(2*time.Second), "Retry-After", "5"), false, "429", 5 * time.Second},
		{"429 without reset backs off", get, 429, hdr(), false, "429", 20*time.Millisecond - 1},
		{"429 with a past reset backs off", get, 429, hdr("X-Rate-Limit-Reset", reset(-time.Minute)), false, "429", 20*time.Millisecond - 1},
		{"503 retry-after seconds", post, 503, hdr("Retry-After", "3"), false, "503", 3 * time.Second},
		{"503 retry-after date", get, 503, hdr("Retry-After", now.Add(4*time.Second).UTC().Format(http.TimeFormat)), false, "503", 4 * time.Second},
		{"503 without retry-after", get, 503, hdr(), false, "503", 20*time.Millisecond - 1},
		{"502 GET", get, 502, hdr(), false, "5xx", 20*time.Millisecond - 1},
		{"500 POST", post, 500, hdr(), false, "", 0},
		{"401 after a replay", get, 401, hdr(), true, "replayed", 0},
		{"401 POST after a replay", post, 401, hdr(), true, "", 0},
		{"401", get, 401, hdr(), false, "", 0},
		{"200", get, 200, hdr(), false, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wait, why, _ := c.judge(tt.o, &http.Response{StatusCode: tt.status, Header: tt.h}, tt.replayed)
			if why != tt.why || wait != tt.wait {
				t.Errorf("got %q %s, want %q %s", why, wait, tt.why, tt.wait)
			}
		})
	}
}

func TestBackoff(t *testing.T) {
	c := New(nil)
	c.jitter = func(d time.Duration) time.Duration { return 0 }
	want := []time.Duration{250 * time.Millisecond, 500 * time.Millisecond, time.Second, 2 * time.Second}
	for i, w := range want {
		if got := c.backoff(i + 1); got != w {
			t.Errorf("backoff(%d) = %s, want %s", i+1, got, w)
		}
	}
	c.jitter = func(d time.Duration) time.Duration { return d - 1 }
	if got := c.backoff(50); got >= defaultBackoffMax || got < defaultBackoffMax/2 {
		t.Errorf("backoff(50) = %s", got)
	}
}

func TestCancelledContextIsAnError(t *testing.T) {
	srv := newSim(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := newTestConnector().DoRequest(ctx, simConfig(srv), shared.Request{URL: "accounts"}); err == nil {
		t.Error("no error")
	}
}

func TestWaitsRespectTheCallersDeadline(t *testing.T) {
	srv := newSim(t, twitteradssim.WithFaults(twitteradssim.Faults{{Kind: twitteradssim.FaultUnavailable, RetryAfter: 5 * time.Second}}))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	resp, err := newTestConnector().DoRequest(ctx, simConfig(srv), shared.Request{URL: "accounts"})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Status != 503 || resp.Attempts != 1 || resp.Waited != 0 {
		t.Errorf("status %d attempts %d waited %s", resp.Status, resp.Attempts, resp.Waited)
	}
}
