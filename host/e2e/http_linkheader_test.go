package e2e

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestHTTPExportFollowsLinkFieldsOfEveryShape: an export through the
// http plugin with link_header paging follows a next link that comes in
// the answer's second Link field, with commas in its URL and rel as a
// list, past a first field whose quoted title says "rel=next": the 57
// items once each, in order, and every page signed as the API verifies.
func TestHTTPExportFollowsLinkFieldsOfEveryShape(t *testing.T) {
	t.Parallel()
	api := launchTestAPI(t)
	home := t.TempDir()
	if r := api.create(t, home, "links", "HMAC-SHA256", "paging=link_header", "records_path=records"); r.code != 0 {
		t.Fatalf("create: exit %d\n%s", r.code, r.stderr)
	}
	out := filepath.Join(t.TempDir(), "items.jsonl")
	mustHX(t, home, nil, "export", "links", "items/links", "-F", "count=10", "--out", out)
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
	pages := 0
	for _, r := range api.requests(t) {
		if strings.Contains(r.URL, "/v1/items/links") {
			pages++
			if !strings.Contains(r.URL, "count=10") {
				t.Errorf("a page without the first page's count: %s", r.URL)
			}
		}
	}
	if c := api.counts(t); pages != 6 || c["unauthorized"] != 0 {
		t.Errorf("%d page requests, want 6; counts %v", pages, c)
	}
}
