package twitteradssim

import (
	"strconv"
	"testing"
	"time"
)

func headerInt(t *testing.T, r result, name string) int64 {
	t.Helper()
	v := r.Header.Get(name)
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		t.Fatalf("header %s = %q", name, v)
	}
	return n
}

func TestRateLimitHeaders(t *testing.T) {
	srv, c, clk := clockServer(t)
	r := c.get(campaignsPath(srv))
	for name, want := range map[string]int64{
		"x-rate-limit-limit": 10000, "x-rate-limit-remaining": 9999,
		"x-account-rate-limit-limit": 10000, "x-account-rate-limit-remaining": 9999,
	} {
		if got := headerInt(t, r, name); got != want {
			t.Errorf("%s = %d, want %d", name, got, want)
		}
	}
	if got, want := headerInt(t, r, "x-rate-limit-reset"), clk.Now().Add(15*time.Minute).Unix(); got != want {
		t.Errorf("reset = %d, want %d", got, want)
	}
	w := c.must(request{method: "POST", path: campaignsPath(srv), query: values("name", "x")})
	if headerInt(t, w, "x-rate-limit-limit") != 450 || w.Header.Get("x-account-rate-limit-limit") != "" {
		t.Errorf("write headers: %v", w.Header)
	}
	s := c.get("/12/stats/accounts/"+srv.AccountID, "entity", "ACCOUNT")
	if headerInt(t, s, "x-rate-limit-limit") != 250 {
		t.Errorf("sync stats limit %s", s.Header.Get("x-rate-limit-limit"))
	}
}

func TestRateLimitSpentAnswers429UntilReset(t *testing.T) {
	srv, c, clk := clockServer(t)
	limits := DefaultRateLimits()
	limits.Read = Budget{Limit: 3, Window: time.Minute}
	if err := srv.SetRateLimits(limits); err != nil {
		t.Fatal(err)
	}
	p := "/12/accounts/" + srv.AccountID
	for i := 0; i < 3; i++ {
		wantStatus(t, c.get(p), 200, "")
	}
	r := c.get(p)
	wantStatus(t, r, 429, CodeTooManyRequests)
	reset := headerInt(t, r, "x-account-rate-limit-reset")
	if headerInt(t, r, "x-account-rate-limit-remaining") != 0 || reset != clk.Now().Add(time.Minute).Unix() {
		t.Errorf("429 headers %v", r.Header)
	}
	clk.Advance(59 * time.Second)
	wantStatus(t, c.get(p), 429, CodeTooManyRequests)
	clk.Advance(time.Second)
	wantStatus(t, c.get(p), 200, "")

	// Tests may refill all windows at once.
	for i := 0; i < 2; i++ {
		c.get(p)
	}
	wantStatus(t, c.get(p), 429, "")
	srv.ResetRateLimits()
	wantStatus(t, c.get(p), 200, "")
}

func TestAccountlessGETsHaveASmallBudget(t *testing.T) {
	_, c, _ := clockServer(t)
	for i := 0; i < 5; i++ {
		wantStatus(t, c.get("/12/accounts", "count", "1"), 200, "")
	}
	r := c.get("/12/accounts", "count", "1")
	wantStatus(t, r, 429, CodeTooManyRequests)
	if r.Header.Get("x-account-rate-limit-limit") != "" || r.Header.Get("x-rate-limit-remaining") != "0" {
		t.Errorf("headers %v", r.Header)
	}
}

func TestAccountBudgetIsSharedByUsers(t *testing.T) {
	other := Credentials{ConsumerKey: "k", ConsumerSecret: "s", AccessToken: "9-t", TokenSecret: "ts"}
	limits := DefaultRateLimits()
	limits.Read = Budget{Limit: 2, Window: time.Minute}
	srv, c, clk := clockServer(t, WithExtraCredentials(other), WithRateLimits(limits))
	s2 := signerFor(other)
	s2.Now = clk.Now
	p := "/12/accounts/" + srv.AccountID
	wantStatus(t, c.get(p), 200, "")
	wantStatus(t, c.must(request{path: p, signer: s2}), 200, "")
	r := c.must(request{path: p, signer: s2})
	wantStatus(t, r, 429, "")
	if r.Header.Get("x-rate-limit-remaining") != "1" || r.Header.Get("x-account-rate-limit-remaining") != "0" {
		t.Errorf("user window should have room, account window none: %v", r.Header)
	}
}
