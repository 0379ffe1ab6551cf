package httpconn

import (
	"context"
	"errors"
	"testing"

	"github.com/openintegrator/integrator/shared"
)

// TestConcurrencyPerKey: with Concurrency 1 a second request of the same
// Key waits until the first one's body is closed (or its own context
// ends, with an error); another Key, a connection without a bound and a
// refused request do not wait.
func TestConcurrencyPerKey(t *testing.T) {
	a := newAPI(t)
	e := newTestEngine(Options{})
	c := testConn(t, a.URL)
	c.Concurrency, c.Key = 1, "k"
	held, err := e.Do(context.Background(), c, shared.Request{URL: "items"})
	if err != nil || held.Status != 200 {
		t.Fatalf("%v %v", err, held)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := e.Do(ctx, c, shared.Request{URL: "items"}); !errors.Is(err, context.Canceled) {
		t.Errorf("a request of the same key while its only place was held: %v", err)
	}
	// While the place is held, these are sent at once (waiting would hang
	// the test).
	other, unbound := c, c
	other.Key, unbound.Concurrency = "other", 0
	for name, conn := range map[string]Conn{"another key": other, "no bound": unbound} {
		if resp, _ := do(t, e, conn, shared.Request{URL: "items"}); resp.Status != 200 {
			t.Errorf("%s: %d", name, resp.Status)
		}
	}
	if resp, _ := do(t, e, c, shared.Request{URL: "https://elsewhere.example/x"}); resp.Status != 0 || len(resp.Diagnostics) != 1 {
		t.Errorf("a refused request: %+v", resp)
	}
	held.Body.Close()
	if resp, _ := do(t, e, c, shared.Request{URL: "items"}); resp.Status != 200 {
		t.Errorf("after the place was released: %d", resp.Status)
	}
}
