package twitteradssim

import (
	"runtime"
	"testing"
	"time"
)

func TestMillionCampaignsCostNoMemory(t *testing.T) {
	const n = 1_000_000
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)

	srv, c := startServer(t, WithCampaigns(n), WithAccounts(3))
	start := time.Now()
	r := c.get(campaignsPath(srv), "count", "1000", "with_total_count", "true")
	wantStatus(t, r, 200, "")
	if got := r.Body["total_count"]; got != float64(n-n/10) {
		t.Errorf("total_count %v, want %d", got, n-n/10)
	}
	seen := map[string]bool{}
	cursor := r.Body["next_cursor"].(string)
	for page := 0; page < 4; page++ {
		for _, e := range r.list() {
			if id := e["id"].(string); seen[id] {
				t.Fatalf("id %s repeated", id)
			} else {
				seen[id] = true
			}
		}
		r = c.get(campaignsPath(srv), "count", "1000", "cursor", cursor)
		wantStatus(t, r, 200, "")
		cursor = r.Body["next_cursor"].(string)
	}
	if len(seen) != 4000 {
		t.Errorf("%d distinct campaigns in 4 pages", len(seen))
	}
	// Line items (2 million) are just as cheap, and a campaign far down
	// the list resolves by id.
	wantStatus(t, c.get("/12/accounts/"+srv.AccountID+"/line_items", "count", "1000"), 200, "")
	far := srv.store.id(kindCampaign, 0, n-2)
	if got := c.get(campaignsPath(srv) + "/" + far); got.Status != 200 || got.data()["id"] != far {
		t.Errorf("campaign %d: %d %s", n-2, got.Status, got.Raw)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("paging took %v", d)
	}

	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	if grew := int64(after.HeapAlloc) - int64(before.HeapAlloc); grew > 100<<20 {
		t.Errorf("heap grew by %d MiB", grew>>20)
	}
	t.Logf("heap %d MiB after paging a million-campaign account", after.HeapAlloc>>20)
}
