package httpconn

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/openintegrator/integrator/shared"
)

// slow answers after d, or when the client goes away.
func slow(d time.Duration) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(d):
		case <-r.Context().Done():
		}
		status(200)(w, r)
	}
}

func TestRetryPolicy(t *testing.T) {
	reset := func(d time.Duration) string { return strconv.Itoa(int(d / time.Second)) } // the made-up API's resets are relative
	tests := []struct {
		name     string
		method   string
		steps    []http.HandlerFunc
		req      shared.Request
		status   int
		attempts int
		codes    []string // diagnostic codes, in order
		minWait  time.Duration
		sent     int // requests the API saw; 0: as many as attempts
	}{
		{name: "420 waits for the reset of the spent budget", steps: []http.HandlerFunc{
			status(420, "X-RateLimit-Remaining", "0", "X-RateLimit-Reset", reset(time.Second)), status(200)},
			status: 200, attempts: 2, minWait: 900 * time.Millisecond},
		{name: "429 too, on a POST: it was not processed", method: "POST", steps: []http.HandlerFunc{
			status(429, "Retry-After", "0"), status(200)}, status: 200, attempts: 2},
		{name: "a rate limit past the deadline is returned", steps: []http.HandlerFunc{
			status(420, "X-RateLimit-Remaining", "0", "X-RateLimit-Reset", reset(time.Hour))},
			req: shared.Request{Timeout: 2 * time.Second}, status: 420, attempts: 1, codes: []string{CodeRateLimited}},
		{name: "a rate limit past the maximum wait is returned", steps: []http.HandlerFunc{
			status(420, "X-RateLimit-Remaining", "0", "X-RateLimit-Reset", reset(3*time.Second))},
			req: shared.Request{MaxWait: time.Second}, status: 420, attempts: 1, codes: []string{CodeRateLimited}},
		{name: "503 honours retry-after", steps: []http.HandlerFunc{status(503, "Retry-After", "1"), status(200)},
			status: 200, attempts: 2, minWait: time.Second},
		{name: "503 on a POST is retried", method: "POST", steps: []http.HandlerFunc{status(503), status(503), status(200)},
			status: 200, attempts: 3},
		{name: "503 given up when the attempts are spent", steps: []http.HandlerFunc{status(503)},
			req: shared.Request{MaxAttempts: 2}, status: 503, attempts: 2, codes: []string{CodeServiceUnavailable, CodeAttemptsExhausted}},
		{name: "500 on a GET backs off", steps: []http.HandlerFunc{status(500), status(502), status(200)},
			status: 200, attempts: 3, minWait: 20 * time.Millisecond},
		{name: "500 on a DELETE given up", method: "DELETE", steps: []http.HandlerFunc{status(500)},
			req: shared.Request{MaxAttempts: 3}, status: 500, attempts: 3, codes: []string{CodeServerError, CodeAttemptsExhausted}},
		{name: "500 on a POST is not retried", method: "POST", steps: []http.HandlerFunc{status(500), status(200)},
			status: 500, attempts: 1, codes: []string{CodeOutcomeUnknown}},
		{name: "a POST the connection broke under is not sent again", method: "POST", steps: []http.HandlerFunc{hangUp, status(200)},
			status: 0, attempts: 1, codes: []string{CodeConnectionReset, CodeOutcomeUnknown}},
		// net/http replays the GET once on a new connection (same
		// signature: the API refuses the nonce), then the engine signs
		// anew.
		{name: "a GET the connection broke under is sent again", steps: []http.HandlerFunc{hangUp, status(200)},
			status: 200, attempts: 2, sent: 3},
		{name: "a slow answer past the timeout", steps: []http.HandlerFunc{slow(10 * time.Second)},
			req: shared.Request{Timeout: 300 * time.Millisecond}, status: 0, attempts: 1, codes: []string{CodeTimeout}},
		{name: "a slow POST past the timeout has an unknown outcome", method: "POST", steps: []http.HandlerFunc{slow(10 * time.Second)},
			req: shared.Request{Timeout: 300 * time.Millisecond}, status: 0, attempts: 1, codes: []string{CodeTimeout, CodeOutcomeUnknown}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := newAPI(t)
			e := newTestEngine(Options{})
			c := testConn(t, a.URL)
			do(t, e, c, shared.Request{URL: "warm"}) // a kept-alive connection, as in real use
			a.setAnswer(script(tt.steps...))
			req := tt.req
			req.Method, req.URL = tt.method, "items"
			start := time.Now()
			resp, _ := do(t, e, c, req)
			elapsed := time.Since(start)
			if resp.Status != tt.status || resp.Attempts != tt.attempts {
				t.Errorf("status %d after %d attempts, want %d after %d; %v", resp.Status, resp.Attempts, tt.status, tt.attempts, resp.Diagnostics)
			}
			if got := strings.Join(codes(resp.Diagnostics), " "); got != strings.Join(tt.codes, " ") {
				t.Errorf("diagnostics %v, want %v", resp.Diagnostics, tt.codes)
			}
			if resp.Waited < tt.minWait || resp.Waited > elapsed {
				t.Errorf("waited %s, want at least %s (elapsed %s)", resp.Waited, tt.minWait, elapsed)
			}
			sent := tt.sent
			if sent == 0 {
				sent = tt.attempts
			}
			if got := len(a.requests()) - 1; got != sent {
				t.Errorf("the API saw %d requests, want %d", got, sent)
			}
		})
	}
}

func TestPOSTToAClosedPortIsRetried(t *testing.T) {
	resp, _ := do(t, newTestEngine(Options{}), testConn(t, "http://"+closedPort(t)),
		shared.Request{Method: "POST", URL: "items", MaxAttempts: 3})
	if resp.Status != 0 || resp.Attempts != 3 {
		t.Errorf("status %d attempts %d", resp.Status, resp.Attempts)
	}
	if got := codes(resp.Diagnostics); len(got) != 2 || got[0] != CodeConnectionRefused || got[1] != CodeAttemptsExhausted {
		t.Errorf("diagnostics %v", resp.Diagnostics)
	}
}

// TestWaitOnly: with WaitOnly, only answers that ask for a wait are
// retried, and OnWait hears of each wait.
func TestWaitOnly(t *testing.T) {
	a := newAPI(t)
	e := newTestEngine(Options{Sleep: func(context.Context, time.Duration) error { return nil }})
	c := testConn(t, a.URL)
	for _, tt := range []struct {
		steps    []http.HandlerFunc
		status   int
		attempts int
		waits    []Wait
	}{
		{[]http.HandlerFunc{status(420, "Retry-After", "2"), status(503, "Retry-After", "1"), status(200)}, 200, 3,
			[]Wait{{ReasonRateLimited, 420, 2 * time.Second, 1}, {ReasonUnavailable, 503, time.Second, 2}}},
		{[]http.HandlerFunc{status(500), status(200)}, 500, 1, nil},
	} {
		a.setAnswer(script(tt.steps...))
		o, d := Prepare(c, shared.Request{URL: "items"})
		if d != nil {
			t.Fatal(d)
		}
		var waits []Wait
		o.WaitOnly, o.OnWait = true, func(w Wait) { waits = append(waits, w) }
		resp, err := e.Send(context.Background(), o)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.Status != tt.status || resp.Attempts != tt.attempts || len(waits) != len(tt.waits) {
			t.Fatalf("status %d after %d attempts, waits %v", resp.Status, resp.Attempts, waits)
		}
		for i, w := range tt.waits {
			if waits[i] != w {
				t.Errorf("wait %d: %+v, want %+v", i, waits[i], w)
			}
		}
	}
}

func TestWaitsRespectTheCallersDeadline(t *testing.T) {
	a := newAPI(t)
	a.setAnswer(status(503, "Retry-After", "5"))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	resp, err := newTestEngine(Options{}).Do(ctx, testConn(t, a.URL), shared.Request{URL: "items"})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Status != 503 || resp.Attempts != 1 || resp.Waited != 0 {
		t.Errorf("status %d attempts %d waited %s", resp.Status, resp.Attempts, resp.Waited)
	}
}

func TestCallerCancelsWhileWaiting(t *testing.T) {
	a := newAPI(t)
	a.setAnswer(status(503, "Retry-After", "30"))
	ctx, cancel := context.WithCancel(context.Background())
	e := newTestEngine(Options{Sleep: func(ctx context.Context, d time.Duration) error {
		cancel()
		<-ctx.Done()
		return context.Cause(ctx)
	}})
	_, err := e.Do(ctx, testConn(t, a.URL), shared.Request{URL: "items", Timeout: time.Minute})
	if err == nil || !strings.Contains(err.Error(), "canceled") {
		t.Errorf("err = %v", err)
	}
}
