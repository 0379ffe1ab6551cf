package httpoauth1

import (
	"context"
	"encoding/json"
	"sync"
	"testing"

	"github.com/openintegrator/integrator/plugin/httpconn"
	"github.com/openintegrator/integrator/plugin/oauthtestapi"
	"github.com/openintegrator/integrator/shared"
)

// limited is a connection to the test API's items/limited, whose spent
// budget is a 420 with X-Calls-Left and X-Calls-Reset.
func limited(api *oauthtestapi.Server, kv ...string) []string {
	return append([]string{KeyRateLimitStatus, "420", KeyRemainingHeader, "X-Calls-Left", KeyResetHeader, "X-Calls-Reset"}, kv...)
}

// TestACustomRateLimitIsWaitedOut: with rate_limit_status 420 and the
// API's reset header, every page of items/limited arrives (the engine
// waits for the reset); with the default 429 the 420 comes back as it is.
func TestACustomRateLimitIsWaitedOut(t *testing.T) {
	api := newAPI(t, oauthtestapi.WithItems(40), oauthtestapi.WithBudget(2))
	c := newTestConnector()
	cfg := set(hmacConfig(api), limited(api)...)
	next, n := "items/limited?count=10", 0
	for next != "" {
		resp, body := do(t, c, cfg, shared.Request{URL: next})
		var page struct {
			Results []any
			Next    *string
		}
		if err := json.Unmarshal([]byte(body), &page); err != nil || resp.Status != 200 {
			t.Fatalf("status %d %s %v", resp.Status, body, resp.Diagnostics)
		}
		n += len(page.Results)
		next = ""
		if page.Next != nil {
			next = *page.Next
		}
	}
	if got := api.Counts().RateLimited; n != 40 || got == 0 {
		t.Fatalf("%d items, %d answers of 420", n, got)
	}
	resp, _ := do(t, c, hmacConfig(api), shared.Request{URL: "items/limited"})
	if resp.Status != 420 || resp.Attempts != 1 {
		t.Errorf("without the setting: status %d after %d attempts", resp.Status, resp.Attempts)
	}
}

// TestRateLimitedConnectionTest: a test that meets a rate limit it
// cannot wait out (MaxWait passed) says the credentials could not be
// told, rather than ok.
func TestRateLimitedConnectionTest(t *testing.T) {
	api := newAPI(t, oauthtestapi.WithBudget(1))
	c := newTestConnector()
	cfg := set(hmacConfig(api), limited(api, KeyPingPath, "items/limited", KeyTimeout, "1")...)
	ping(t, c, cfg) // spends the budget
	res := ping(t, c, cfg)
	if d, ok := find(res.Diagnostics, CodeThrottled); res.OK || !ok {
		t.Errorf("ok %v %v", res.OK, res.Diagnostics)
	} else if d.Summary == "" {
		t.Error("no summary")
	}
}

// TestConcurrencyBoundsRequestsInFlight: at most concurrency requests of
// one connection are out at once, however many callers ask.
func TestConcurrencyBoundsRequestsInFlight(t *testing.T) {
	for _, n := range []string{"2", "5"} {
		api := newAPI(t)
		c := newTestConnector()
		cfg := set(hmacConfig(api), KeyConcurrency, n)
		var wg sync.WaitGroup
		for range 10 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				resp, err := c.DoRequest(context.Background(), cfg, shared.Request{URL: "slow", Query: []shared.Param{{Key: "ms", Value: "150"}}})
				if err != nil || resp.Status != 200 {
					t.Errorf("%v %v", err, resp)
					return
				}
				resp.Body.Close()
			}()
		}
		wg.Wait()
		if got := api.Counts().MaxInFlight; n == "2" && got != 2 || n == "5" && got != 5 {
			t.Errorf("concurrency %s: %d requests at once", n, got)
		}
	}
	// A caller that gives up while waiting for a slot gets its context's error.
	api := newAPI(t)
	c := newTestConnector()
	cfg := set(hmacConfig(api), KeyConcurrency, "1")
	held, err := c.DoRequest(context.Background(), cfg, shared.Request{URL: "me"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.DoRequest(ctx, cfg, shared.Request{URL: "me"}); err == nil {
		t.Error("a request got a slot while the only one was held")
	}
	held.Body.Close()
	if resp, _ := do(t, c, cfg, shared.Request{URL: "me"}); resp.Status != 200 {
		t.Errorf("after the slot was released: %d", resp.Status)
	}
}

// TestAuthenticationFailedOnRequests: an answer of auth_fail_status gets
// an authentication_failed diagnostic first, with the API's message.
func TestAuthenticationFailedOnRequests(t *testing.T) {
	api := newAPI(t)
	c := newTestConnector()
	resp, _ := do(t, c, set(hmacConfig(api), KeyTokenSecret, "wrong", KeyPingErrorPath, "error.message"), shared.Request{URL: "me"})
	if len(resp.Diagnostics) < 2 || resp.Diagnostics[0].Code != CodeAuthenticationFailed || !mentions(resp.Diagnostics[:1], "signature does not match") {
		t.Errorf("status %d %v", resp.Status, resp.Diagnostics)
	}
	resp, _ = do(t, c, set(hmacConfig(api), KeyTokenSecret, "wrong", KeyAuthFailStatus, "403"), shared.Request{URL: "me"})
	if _, ok := find(resp.Diagnostics, CodeAuthenticationFailed); ok {
		t.Errorf("a 401 is not auth_fail_status 403: %v", resp.Diagnostics)
	}
	// Invalid settings send nothing.
	before := len(api.Requests())
	resp, _ = do(t, c, set(hmacConfig(api), KeyConsumerSecret, ""), shared.Request{URL: "me"})
	if resp.Status != 0 || len(api.Requests()) != before || !resp.Diagnostics.HasError() {
		t.Errorf("status %d %v", resp.Status, resp.Diagnostics)
	}
	if _, ok := find(resp.Diagnostics, httpconn.CodeSigningFailed); ok {
		t.Error("reached the signer")
	}
}
