package twitteradssim

import (
	"testing"
	"time"
)

// The first 429 of a spent window tells the client when to come back;
// every further 429 before that window's reset is a request the client
// should not have sent. Counts says how many of each there were, per
// window: two accounts each meeting their own limit once overspend
// nothing; coming back before the reset does.
func TestOverspentCountsEvery429BeyondTheFirstOfAWindow(t *testing.T) {
	limits := DefaultRateLimits()
	limits.Read = Budget{Limit: 2, Window: time.Minute}
	srv, c, clk := clockServer(t, WithRateLimits(limits))
	p := "/12/accounts/" + srv.AccountID
	for i := 0; i < 2; i++ {
		wantStatus(t, c.get(p), 200, "")
	}
	wantStatus(t, c.get(p), 429, CodeTooManyRequests)
	if got := srv.Counts(); got.RateLimited != 1 || got.Overspent != 0 {
		t.Fatalf("after the first 429: rate limited %d, overspent %d; want 1 and 0", got.RateLimited, got.Overspent)
	}
	wantStatus(t, c.get(p), 429, CodeTooManyRequests)
	wantStatus(t, c.get(p), 429, CodeTooManyRequests)
	if got := srv.Counts(); got.RateLimited != 3 || got.Overspent != 2 {
		t.Fatalf("after two more before the reset: rate limited %d, overspent %d; want 3 and 2", got.RateLimited, got.Overspent)
	}

	// A new window: its first 429 is not overspending.
	clk.Advance(time.Minute)
	for i := 0; i < 2; i++ {
		wantStatus(t, c.get(p), 200, "")
	}
	wantStatus(t, c.get(p), 429, CodeTooManyRequests)
	if got := srv.Counts(); got.RateLimited != 4 || got.Overspent != 2 {
		t.Fatalf("after the next window's first 429: rate limited %d, overspent %d; want 4 and 2", got.RateLimited, got.Overspent)
	}

	// GET /sim/counts serves them, for a test that runs the simulator as
	// a process.
	r := c.get("/12/sim/counts")
	wantStatus(t, r, 200, "")
	if d := r.data(); d["rate_limited"] != float64(4) || d["overspent"] != float64(2) {
		t.Errorf("/sim/counts: rate_limited %v, overspent %v; want 4 and 2", d["rate_limited"], d["overspent"])
	}
	srv.ResetCounts()
	if got := srv.Counts(); got.RateLimited != 0 || got.Overspent != 0 {
		t.Errorf("after ResetCounts: %d, %d", got.RateLimited, got.Overspent)
	}
}

// Windows are counted apart: the user's write window meeting its limit
// once and an account's read window meeting its own once are two first
// 429s, no overspending.
func TestOverspentCountsWindowsApart(t *testing.T) {
	limits := DefaultRateLimits()
	limits.Read = Budget{Limit: 1, Window: time.Minute}
	limits.Write = Budget{Limit: 1, Window: time.Minute}
	srv, c, _ := clockServer(t, WithRateLimits(limits))
	p := "/12/accounts/" + srv.AccountID
	wantStatus(t, c.get(p), 200, "")
	wantStatus(t, c.get(p), 429, CodeTooManyRequests)
	c.must(request{method: "POST", path: campaignsPath(srv), query: values("name", "x")})
	w := c.must(request{method: "POST", path: campaignsPath(srv), query: values("name", "y")})
	wantStatus(t, w, 429, CodeTooManyRequests)
	if got := srv.Counts(); got.RateLimited != 2 || got.Overspent != 0 {
		t.Errorf("rate limited %d, overspent %d; want 2 and 0", got.RateLimited, got.Overspent)
	}
}
