package twitteradssim

import (
	"bytes"
	"encoding/json"
	"strconv"
	"testing"
	"unicode/utf8"
)

// cursor_cycle points next_cursor back at the previous request's cursor:
// a client following it goes A→B→A. The page itself is served as usual.
func TestCursorCycleFault(t *testing.T) {
	srv, c := startServer(t, WithFaults(Faults{{Kind: FaultCursorCycle, Path: "/campaigns"}}))
	p := campaignsPath(srv)
	first := c.get(p, "count", "5")
	a, _ := first.Body["next_cursor"].(string)
	second := c.get(p, "count", "5", "cursor", a)
	b, _ := second.Body["next_cursor"].(string)
	third := c.get(p, "count", "5", "cursor", b)
	if a == "" || b == "" || a == b {
		t.Fatalf("cursors %q, %q", a, b)
	}
	if got := third.Body["next_cursor"]; got != a {
		t.Errorf("the page at %q points to %v, want back to %q", b, got, a)
	}
	srv.SetFaults(nil)
	clean := c.get(p, "count", "5", "cursor", b)
	if len(third.list()) != 5 || third.list()[0]["id"] != clean.list()[0]["id"] || clean.Body["next_cursor"] == a {
		t.Errorf("the cycled page differs from the clean one: %v vs %v", third.Body, clean.Body)
	}
	if n := srv.Counts().Faults["cursor_cycle"]; n != 1 {
		t.Errorf("cursor_cycle fired %d times, want 1 (the first two requests had no cursor before them)", n)
	}
}

// invalid_utf8 puts the byte 0xff at the start of the first name; the
// rest of the answer, and its length, stay right.
func TestInvalidUTF8Fault(t *testing.T) {
	srv, c := startServer(t, WithFaults(Faults{{Kind: FaultInvalidUTF8, Path: "/campaigns", Times: 1}}))
	p := campaignsPath(srv)
	bad := c.get(p, "count", "3")
	clean := c.get(p, "count", "3")
	if bad.Header.Get("Content-Length") != strconv.Itoa(len(bad.Raw)) {
		t.Errorf("Content-Length %s for %d bytes", bad.Header.Get("Content-Length"), len(bad.Raw))
	}
	if utf8.Valid(bad.Raw) || !utf8.Valid(clean.Raw) {
		t.Fatalf("faulted answer valid %v, clean one valid %v", utf8.Valid(bad.Raw), utf8.Valid(clean.Raw))
	}
	if !bytes.Equal(bytes.Replace(bad.Raw, []byte{0xff}, nil, 1), clean.Raw) {
		t.Errorf("the faulted answer differs by more than the byte:\n%s\n%s", bad.Raw, clean.Raw)
	}
	var first struct {
		Data []struct {
			Name string `json:"name"`
		} `json:"data"`
	}
	if err := json.Unmarshal(clean.Raw, &first); err != nil || !bytes.Contains(bad.Raw, []byte("\"name\":\"\xff"+first.Data[0].Name+"\"")) {
		t.Errorf("the first name is not the one with 0xff: %v", err)
	}
}

// GET /sim/counts answers the counters, for a test that runs the
// simulator as a process.
func TestCountsEndpoint(t *testing.T) {
	srv, c := startServer(t)
	c.get(campaignsPath(srv))
	c.get(campaignsPath(srv))
	r := c.get("/12/sim/counts")
	wantStatus(t, r, 200, "")
	reqs, _ := r.data()["requests"].(map[string]any)
	if reqs["GET /accounts/:account_id/campaigns"] != float64(2) || reqs["GET /sim/counts"] != float64(1) {
		t.Errorf("counts %v", r.data())
	}
}
