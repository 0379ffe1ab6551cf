package httpconn

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/openintegrator/integrator/shared"
)

func hdr(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Set(kv[i], kv[i+1])
	}
	return h
}

func TestJudge(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	e := newTestEngine(Options{Now: func() time.Time { return now }, Jitter: func(d time.Duration) time.Duration { return d - 1 }})
	get := &Outgoing{method: "GET", timeout: time.Minute, maxWait: time.Minute, rules: testProfile()}
	post := &Outgoing{method: "POST", timeout: time.Minute, maxWait: time.Minute, rules: testProfile()}
	unix := func(d time.Duration) string { return strconv.FormatInt(now.Add(d).Unix(), 10) }
	in := func(d time.Duration) string { return strconv.Itoa(int(d / time.Second)) }
	tests := []struct {
		name     string
		o        *Outgoing
		status   int
		h        http.Header
		replayed bool
		why      string
		wait     time.Duration
	}{
		{"the preferred spent budget first", get, 420, hdr("X-App-RateLimit-Remaining", "0", "X-App-RateLimit-Reset", unix(7*time.Second),
			"X-RateLimit-Remaining", "0", "X-RateLimit-Reset", in(3*time.Second)), false, ReasonRateLimited, 7 * time.Second},
		{"the spent budget before one with room", get, 420, hdr("X-App-RateLimit-Remaining", "5", "X-App-RateLimit-Reset", unix(9*time.Second),
			"X-RateLimit-Remaining", "0", "X-RateLimit-Reset", in(4*time.Second)), false, ReasonRateLimited, 4 * time.Second},
		{"no budget spent: the first reset", get, 420, hdr("X-App-RateLimit-Reset", unix(9*time.Second),
			"X-RateLimit-Reset", in(4*time.Second)), false, ReasonRateLimited, 9 * time.Second},
		{"a rate limit on a POST", post, 429, hdr("X-RateLimit-Remaining", "0", "X-RateLimit-Reset", in(2*time.Second)), false, ReasonRateLimited, 2 * time.Second},
		{"retry-after later than the reset", get, 420, hdr("X-RateLimit-Reset", in(2*time.Second), "Retry-After", "5"), false, ReasonRateLimited, 5 * time.Second},
		{"a rate limit without reset backs off", get, 420, hdr(), false, ReasonRateLimited, 20*time.Millisecond - 1},
		{"a rate limit with a past reset backs off", get, 420, hdr("X-App-RateLimit-Reset", unix(-time.Minute)), false, ReasonRateLimited, 20*time.Millisecond - 1},
		{"503 retry-after seconds", post, 503, hdr("Retry-After", "3"), false, ReasonUnavailable, 3 * time.Second},
		{"503 retry-after date", get, 503, hdr("Retry-After", now.Add(4*time.Second).UTC().Format(http.TimeFormat)), false, ReasonUnavailable, 4 * time.Second},
		{"503 without retry-after", get, 503, hdr(), false, ReasonUnavailable, 20*time.Millisecond - 1},
		{"502 GET", get, 502, hdr(), false, ReasonServerError, 20*time.Millisecond - 1},
		{"500 POST", post, 500, hdr(), false, "", 0},
		{"401 after a replay", get, 401, hdr(), true, ReasonReplayed, 0},
		{"401 POST after a replay", post, 401, hdr(), true, "", 0},
		{"401", get, 401, hdr(), false, "", 0},
		{"403 is no rate limit here", get, 403, hdr("X-RateLimit-Remaining", "0"), false, "", 0},
		{"200", get, 200, hdr(), false, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wait, why, _ := e.judge(tt.o, &http.Response{StatusCode: tt.status, Header: tt.h}, tt.replayed)
			if why != tt.why || wait != tt.wait {
				t.Errorf("got %q %s, want %q %s", why, wait, tt.why, tt.wait)
			}
		})
	}
}

// TestRateLimitsByConfiguration: the statuses, the header names and
// their order, and the retry-after header all come from the profile.
func TestRateLimitsByConfiguration(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	e := newTestEngine(Options{Now: func() time.Time { return now }})
	p := &Profile{RateLimits: RateLimits{
		Statuses:    []int{403},
		Unavailable: []int{529},
		Budgets:     []Budget{{Scope: "minute", Remaining: "RateLimit-Remaining", Reset: "RateLimit-Reset", ResetIn: true}},
		RetryAfter:  "X-Wait-Seconds",
	}}
	o := &Outgoing{method: "GET", timeout: time.Minute, maxWait: time.Minute, rules: p}
	for _, tt := range []struct {
		status int
		h      http.Header
		why    string
		wait   time.Duration
	}{
		{403, hdr("RateLimit-Remaining", "0", "RateLimit-Reset", "6"), ReasonRateLimited, 6 * time.Second},
		{429, hdr("RateLimit-Remaining", "0", "RateLimit-Reset", "6"), "", 0},
		{529, hdr("X-Wait-Seconds", "8", "Retry-After", "1"), ReasonUnavailable, 8 * time.Second},
		{503, hdr("Retry-After", "1"), ReasonServerError, e.backoff(1)},
	} {
		wait, why, _ := e.judge(o, &http.Response{StatusCode: tt.status, Header: tt.h}, false)
		if why != tt.why || why != ReasonServerError && wait != tt.wait {
			t.Errorf("%d: got %q %s, want %q %s", tt.status, why, wait, tt.why, tt.wait)
		}
	}
	rl := p.RateLimits.State(hdr("RateLimit-Remaining", "7", "RateLimit-Reset", "30"), now)
	if rl == nil || rl.Scope != "minute" || rl.Remaining != 7 || rl.Limit != 0 || !rl.Reset.Equal(now.Add(30*time.Second)) {
		t.Errorf("state %+v", rl)
	}
}

// TestRateLimitInTheHead: the head reports the first budget of the
// profile's order that the answer has, and all of them in Budgets.
func TestRateLimitInTheHead(t *testing.T) {
	a := newAPI(t)
	e := newTestEngine(Options{})
	c := testConn(t, a.URL)
	a.setAnswer(status(200, "X-App-RateLimit-Limit", "100", "X-App-RateLimit-Remaining", "99", "X-App-RateLimit-Reset", "1800000000",
		"X-RateLimit-Limit", "5", "X-RateLimit-Remaining", "4", "X-RateLimit-Reset", "60"))
	resp, _ := do(t, e, c, shared.Request{URL: "items"})
	if rl := resp.RateLimit; rl == nil || rl.Scope != "app" || rl.Limit != 100 || rl.Remaining != 99 || rl.Reset.Unix() != 1_800_000_000 {
		t.Errorf("app budget %+v", rl)
	}
	// Budgets has every one, in the profile's order: a host that shares
	// budgets among processes counts each.
	if b := resp.Budgets; len(b) != 2 || b[0] != *resp.RateLimit || b[1].Scope != "client" || b[1].Limit != 5 || b[1].Remaining != 4 ||
		time.Until(b[1].Reset) < 50*time.Second {
		t.Errorf("budgets %+v", b)
	}
	a.setAnswer(status(200, "X-RateLimit-Limit", "5", "X-RateLimit-Remaining", "4", "X-RateLimit-Reset", "60"))
	resp, _ = do(t, e, c, shared.Request{URL: "items"})
	if rl := resp.RateLimit; rl == nil || rl.Scope != "client" || rl.Limit != 5 || rl.Remaining != 4 || time.Until(rl.Reset) < 50*time.Second {
		t.Errorf("client budget %+v", rl)
	}
	a.setAnswer(status(200))
	if resp, _ = do(t, e, c, shared.Request{URL: "items"}); resp.RateLimit != nil {
		t.Errorf("no budget: %+v", resp.RateLimit)
	}
}

func TestRateLimitedDiagnosticSaysWhen(t *testing.T) {
	a := newAPI(t)
	a.setAnswer(status(420, "X-App-RateLimit-Remaining", "0", "X-App-RateLimit-Reset", strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10)))
	resp, _ := do(t, newTestEngine(Options{}), testConn(t, a.URL), shared.Request{URL: "items"})
	d, ok := find(resp.Diagnostics, CodeRateLimited)
	if !ok || !strings.Contains(d.Summary, "app budget") || !strings.Contains(d.Summary, "resets at") || !strings.Contains(d.Detail, "timeout") {
		t.Errorf("%v", resp.Diagnostics)
	}
}

func TestBackoff(t *testing.T) {
	e := New(nil, Options{Jitter: func(d time.Duration) time.Duration { return 0 }})
	want := []time.Duration{250 * time.Millisecond, 500 * time.Millisecond, time.Second, 2 * time.Second}
	for i, w := range want {
		if got := e.backoff(i + 1); got != w {
			t.Errorf("backoff(%d) = %s, want %s", i+1, got, w)
		}
	}
	e.jitter = func(d time.Duration) time.Duration { return d - 1 }
	if got := e.backoff(50); got >= DefaultBackoffMax || got < DefaultBackoffMax/2 {
		t.Errorf("backoff(50) = %s", got)
	}
}

// TestRateLimitGivenUpSaysWhenToComeBack: a rate limit whose wait, asked
// for in a retry-after header of the API's own name, lies past the
// deadline is returned with that time in the head's rate limit (a host
// reads Retry-After itself, but cannot know another name) and in the
// diagnostic. With the standard header the head is the budget's state, as
// before.
func TestRateLimitGivenUpSaysWhenToComeBack(t *testing.T) {
	a := newAPI(t)
	e := newTestEngine(Options{})
	c := testConn(t, a.URL)
	c.Profile.RateLimits.RetryAfter = "X-Wait-Seconds"
	a.setAnswer(status(420, "X-Wait-Seconds", "3600"))
	before := time.Now()
	resp, _ := do(t, e, c, shared.Request{URL: "items", Timeout: 2 * time.Second})
	if resp.Status != 420 || resp.Attempts != 1 {
		t.Fatalf("status %d after %d attempts", resp.Status, resp.Attempts)
	}
	if rl := resp.RateLimit; rl == nil || rl.Reset.Before(before.Add(time.Hour)) || rl.Reset.After(time.Now().Add(time.Hour+time.Second)) || rl.Remaining != -1 {
		t.Errorf("rate limit in the head %+v, want a reset an hour from now", rl)
	}
	d, ok := find(resp.Diagnostics, CodeRateLimited)
	if !ok || !strings.Contains(d.Summary, "asks to come back in 1h0m0s") {
		t.Errorf("%v", resp.Diagnostics)
	}

	// A later budget reset stays; an earlier one is moved to the wait.
	reset := strconv.FormatInt(time.Now().Add(2*time.Hour).Unix(), 10)
	a.setAnswer(status(420, "X-Wait-Seconds", "3600", "X-App-RateLimit-Remaining", "0", "X-App-RateLimit-Reset", reset))
	resp, _ = do(t, e, c, shared.Request{URL: "items", Timeout: 2 * time.Second})
	if rl := resp.RateLimit; rl == nil || rl.Scope != "app" || rl.Remaining != 0 || strconv.FormatInt(rl.Reset.Unix(), 10) != reset {
		t.Errorf("a later budget reset: %+v", rl)
	}
	reset = strconv.FormatInt(time.Now().Add(time.Minute).Unix(), 10)
	a.setAnswer(status(420, "X-Wait-Seconds", "3600", "X-App-RateLimit-Remaining", "0", "X-App-RateLimit-Reset", reset))
	before = time.Now()
	resp, _ = do(t, e, c, shared.Request{URL: "items", Timeout: 2 * time.Second})
	if rl := resp.RateLimit; rl == nil || rl.Scope != "app" || rl.Remaining != 0 || rl.Reset.Before(before.Add(time.Hour)) {
		t.Errorf("an earlier budget reset: %+v", rl)
	}

	c.Profile.RateLimits.RetryAfter = ""
	a.setAnswer(status(420, "Retry-After", "3600"))
	resp, _ = do(t, e, c, shared.Request{URL: "items", Timeout: 2 * time.Second})
	if resp.RateLimit != nil {
		t.Errorf("with Retry-After, which a host reads itself: %+v", resp.RateLimit)
	}
	if d, ok := find(resp.Diagnostics, CodeRateLimited); !ok || !strings.Contains(d.Summary, "asks to come back in 1h0m0s") {
		t.Errorf("%v", resp.Diagnostics)
	}
}
