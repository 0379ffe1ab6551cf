package e2e

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestHTTPExportWaitsOutARateLimitTheConnectorGaveUpOn: an API whose
// spent budget answers 420 with a reset 1 to 2 s ahead, through an http
// connection whose timeout (1 s) is shorter than that wait. The connector
// gives up on each 420 and returns it marked rate_limited; the host
// waits for the reset itself ("rate limit reached: waiting until ...")
// and asks again, so the export finishes whole, every record once and in
// order, where it used to stop at the first 420 as a final refusal.
func TestHTTPExportWaitsOutARateLimitTheConnectorGaveUpOn(t *testing.T) {
	t.Parallel()
	api := launchTestAPI(t, "--budget", "2")
	home := t.TempDir()
	if r := api.create(t, home, "calm", "HMAC-SHA1", "ping_path=items/next", "timeout=1",
		"paging=next_url", "records_path=results", "next_url_path=next", "rate_limit_status=420",
		"rate_limit_remaining_header=X-Calls-Left", "rate_limit_reset_header=X-Calls-Reset"); r.code != 0 {
		t.Fatalf("create: exit %d\n%s", r.code, r.stderr)
	}
	out := filepath.Join(t.TempDir(), "items.jsonl")
	r := mustHX(t, home, nil, "export", "calm", "items/limited", "-F", "count=10", "--out", out, "--progress", "plain")
	var got, want []string
	for _, rec := range jsonLines(t, out) {
		got = append(got, fmt.Sprint(rec["id"]))
	}
	for i := 1; i <= 57; i++ {
		want = append(want, fmt.Sprintf("item-%03d", i))
	}
	if !slices.Equal(got, want) {
		t.Errorf("exported %d records %v, want the 57 items once each, in order", len(got), got)
	}
	if !strings.Contains(r.stderr, "rate limit reached: waiting until") {
		t.Errorf("the host never waited for a reset: the connector must have waited itself, and the path is not proved\n%s", r.stderr)
	}
	if c := api.counts(t); c["rate_limited"] < 2 {
		t.Errorf("the budget was spent only %d times: %v", c["rate_limited"], c)
	}
}
