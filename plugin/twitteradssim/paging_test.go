package twitteradssim

import (
	"testing"
)

// pageAll follows next_cursor and returns the ids in order.
func pageAll(t *testing.T, c *client, path string, kv ...string) []string {
	t.Helper()
	var ids []string
	cursor := ""
	for pages := 0; ; pages++ {
		q := values(kv...)
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		r := c.must(request{path: path, query: q})
		wantStatus(t, r, 200, "")
		for _, e := range r.list() {
			ids = append(ids, e["id"].(string))
		}
		next, isString := r.Body["next_cursor"].(string)
		if _, present := r.Body["next_cursor"]; !present {
			t.Fatal("next_cursor missing")
		}
		if !isString {
			return ids
		}
		if pages > 10000 {
			t.Fatal("paging does not end")
		}
		cursor = next
	}
}

func TestPagingVisitsEachCampaignOnce(t *testing.T) {
	const n = 2345
	srv, c := startServer(t, WithCampaigns(n))
	for _, tc := range []struct {
		withDeleted string
		want        int
	}{{"false", n - n/10}, {"true", n}} {
		ids := pageAll(t, c, campaignsPath(srv), "count", "1000", "with_deleted", tc.withDeleted)
		seen := map[string]bool{}
		for _, id := range ids {
			if seen[id] {
				t.Fatalf("id %s returned twice", id)
			}
			seen[id] = true
		}
		if len(ids) != tc.want {
			t.Errorf("with_deleted=%s: %d campaigns, want %d", tc.withDeleted, len(ids), tc.want)
		}
		r := c.get(campaignsPath(srv), "with_total_count", "true", "with_deleted", tc.withDeleted)
		if got := int(r.Body["total_count"].(float64)); got != tc.want {
			t.Errorf("total_count = %d, want %d", got, tc.want)
		}
		if got := len(r.list()); got != defaultCount {
			t.Errorf("default page has %d items, want %d", got, defaultCount)
		}
	}
}

func TestPagingIsStableWhileWriting(t *testing.T) {
	srv, c := startServer(t, WithCampaigns(50))
	fi := firstFundingInstrument(t, c)
	seen := map[string]bool{}
	created := map[string]bool{}
	cursor := ""
	for i := 0; ; i++ {
		q := values("count", "7")
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		r := c.must(request{path: campaignsPath(srv), query: q})
		wantStatus(t, r, 200, "")
		for _, e := range r.list() {
			id := e["id"].(string)
			if seen[id] {
				t.Fatalf("id %s repeated", id)
			}
			seen[id] = true
		}
		// Write between pages: create one, delete a seen one.
		if i < 5 {
			cr := c.must(request{method: "POST", path: campaignsPath(srv), query: values("name", "new",
				"funding_instrument_id", fi, "daily_budget_amount_local_micro", "1000000")})
			wantStatus(t, cr, 200, "")
			created[cr.data()["id"].(string)] = true
		}
		next, ok := r.Body["next_cursor"].(string)
		if !ok {
			break
		}
		cursor = next
	}
	for id := range created {
		if !seen[id] {
			t.Errorf("campaign %s created during paging was never listed", id)
		}
	}
	if want := 50 - 5 + len(created); len(seen) != want {
		t.Errorf("listed %d, want %d", len(seen), want)
	}
}

func TestPagingParameterErrors(t *testing.T) {
	srv, c := startServer(t)
	p := campaignsPath(srv)
	for _, count := range []string{"0", "1001", "-1", "abc", ""} {
		r := c.get(p, "count", count)
		wantStatus(t, r, 400, CodeInvalidParameter)
		if _, param := r.errCode(); param != "count" {
			t.Errorf("count=%q: parameter %q, want count", count, param)
		}
	}
	for _, count := range []string{"1", "1000"} {
		wantStatus(t, c.get(p, "count", count), 200, "")
	}
	r := c.get(p, "count", "1")
	cursor := r.Body["next_cursor"].(string)
	wantStatus(t, c.get(p, "cursor", cursor, "with_total_count", "true"), 400, CodeExclusiveParameters)
	wantStatus(t, c.get(p, "cursor", "not-a-cursor"), 400, CodeInvalidParameter)
	wantStatus(t, c.get(p, "with_deleted", "yes"), 400, CodeInvalidParameter)
	// A cursor of one listing is not valid for another.
	li := "/12/accounts/" + srv.AccountID + "/line_items"
	wantStatus(t, c.get(li, "cursor", cursor), 400, CodeInvalidParameter)
}

func TestFiltersByIDs(t *testing.T) {
	srv, c := startServer(t, WithCampaigns(30), WithLineItemsPerCampaign(3))
	camps := pageAll(t, c, campaignsPath(srv), "count", "1000")
	r := c.get(campaignsPath(srv), "campaign_ids", camps[4]+","+camps[2]+",nonsense")
	got := r.list()
	if len(got) != 2 || got[0]["id"] != camps[2] || got[1]["id"] != camps[4] {
		t.Errorf("campaign_ids filter gave %v", got)
	}
	lis := c.get("/12/accounts/"+srv.AccountID+"/line_items", "campaign_ids", camps[0]).list()
	if len(lis) != 3 {
		t.Fatalf("line items of campaign %s: %d, want 3", camps[0], len(lis))
	}
	for _, li := range lis {
		if li["campaign_id"] != camps[0] {
			t.Errorf("line item %v of another campaign", li["id"])
		}
	}
}

func TestSameSeedSameData(t *testing.T) {
	a, ca := startServer(t, WithSeed(42))
	b, cb := startServer(t, WithSeed(42))
	x, cx := startServer(t, WithSeed(43))
	pa := pageAll(t, ca, campaignsPath(a))
	pb := pageAll(t, cb, campaignsPath(b))
	px := pageAll(t, cx, campaignsPath(x))
	if len(pa) == 0 || a.AccountID != b.AccountID || a.Credentials != b.Credentials {
		t.Fatal("equal seeds, different servers")
	}
	for i := range pa {
		if pa[i] != pb[i] {
			t.Fatalf("equal seeds, different campaign %d", i)
		}
	}
	if px[0] == pa[0] || x.Credentials == a.Credentials {
		t.Error("different seeds, same data")
	}
}
