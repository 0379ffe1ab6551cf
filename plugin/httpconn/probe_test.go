package httpconn

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/openintegrator/integrator/shared"
)

// TestProbe: a connection test's request waits out a rate limit and an
// Unavailable answer, each wait a warning in the log, and reports the
// attempts; a server error and a refusal by the API are answered at once;
// no answer at all ties the refused connection to the base URI's field.
func TestProbe(t *testing.T) {
	a := newAPI(t)
	var logs lockedWriter
	e := New(hclog.New(&hclog.LoggerOptions{Level: hclog.Warn, Output: &logs}), Options{BackoffBase: 10 * time.Millisecond, BackoffMax: 10 * time.Millisecond})
	c := testConn(t, a.URL)
	probe := func(conn Conn) *Probe {
		t.Helper()
		o, d := Prepare(conn, shared.Request{URL: "me", MaxAttempts: 3})
		if d != nil {
			t.Fatal(d)
		}
		p, err := e.Probe(context.Background(), o)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}

	a.setAnswer(script(status(420, "Retry-After", "0"), status(503, "Retry-After", "0"), status(200)))
	p := probe(c)
	if p.Status != 200 || p.Attempts != 3 || string(p.Body) != `{"status":200}` || p.Latency <= 0 {
		t.Errorf("status %d after %d attempts, body %q, latency %s", p.Status, p.Attempts, p.Body, p.Latency)
	}
	facts := map[string]string{}
	for _, f := range p.Facts() {
		facts[f.Key] = f.Value
	}
	if facts["latency"] == "" || !strings.HasPrefix(facts["attempts"], "3 (waited ") {
		t.Errorf("facts %v", p.Facts())
	}
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "[WARN]  connection test: the API answered 420 (rate limited); waiting ") ||
		!strings.HasSuffix(lines[0], "then trying again (attempt 2 of 3)") ||
		!strings.HasSuffix(lines[1], "connection test: the API answered 503 (unavailable); waiting 0s, then trying again (attempt 3 of 3)") {
		t.Errorf("the log:\n%s", logs.String())
	}

	for _, st := range []int{500, 401} {
		a.setAnswer(status(st))
		if p := probe(c); p.Status != st || p.Attempts != 1 || len(p.Facts()) != 1 {
			t.Errorf("%d: %d attempts, facts %v", st, p.Attempts, p.Facts())
		}
	}

	closed, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := closed.Addr().String()
	closed.Close()
	p = probe(testConn(t, "http://"+addr))
	if ds := p.NoAnswer("base_uri"); p.Status != 0 || len(ds) != 1 || ds[0].Code != CodeConnectionRefused || ds[0].Field != "base_uri" {
		t.Errorf("status %d, %v", p.Status, ds)
	}
}
