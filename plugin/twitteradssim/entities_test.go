package twitteradssim

import (
	"testing"
)

func newCampaignParams(fi string) []string {
	return []string{"name", "Launch", "funding_instrument_id", fi, "daily_budget_amount_local_micro", "5000000"}
}

func TestCreateCampaignViaQueryAndForm(t *testing.T) {
	srv, c := startServer(t)
	fi := firstFundingInstrument(t, c)
	byQuery := c.must(request{method: "POST", path: campaignsPath(srv), query: values(newCampaignParams(fi)...)})
	wantStatus(t, byQuery, 200, "")
	byForm := c.must(request{method: "POST", path: campaignsPath(srv), form: values(newCampaignParams(fi)...)})
	wantStatus(t, byForm, 200, "")
	for _, r := range []result{byQuery, byForm} {
		d := r.data()
		if d["name"] != "Launch" || d["funding_instrument_id"] != fi || d["entity_status"] != "ACTIVE" ||
			d["daily_budget_amount_local_micro"] != float64(5000000) || d["deleted"] != false {
			t.Errorf("created campaign %v", d)
		}
		got := c.get(campaignsPath(srv) + "/" + d["id"].(string))
		wantStatus(t, got, 200, "")
		if got.data()["name"] != "Launch" {
			t.Errorf("read back %v", got.data())
		}
	}
	if byQuery.data()["id"] == byForm.data()["id"] {
		t.Error("two creates, one id")
	}
	if n := srv.Counts().Created["campaign"]; n != 2 {
		t.Errorf("Counts().Created[campaign] = %d, want 2", n)
	}
	if n := srv.Counts().Requests["POST /accounts/:account_id/campaigns"]; n != 2 {
		t.Errorf("POST count = %d, want 2", n)
	}
}

func TestCreateValidation(t *testing.T) {
	srv, c := startServer(t)
	fi := firstFundingInstrument(t, c)
	tests := []struct {
		name  string
		kv    []string
		code  string
		param string
	}{
		{"no name", []string{"funding_instrument_id", fi, "daily_budget_amount_local_micro", "1"}, CodeMissingParameter, "name"},
		{"no funding instrument", []string{"name", "x", "daily_budget_amount_local_micro", "1"}, CodeMissingParameter, "funding_instrument_id"},
		{"unknown funding instrument", []string{"name", "x", "funding_instrument_id", "abc", "daily_budget_amount_local_micro", "1"}, CodeInvalidParameter, "funding_instrument_id"},
		{"bad budget", []string{"name", "x", "funding_instrument_id", fi, "daily_budget_amount_local_micro", "-5"}, CodeInvalidParameter, "daily_budget_amount_local_micro"},
		{"bad status", append(newCampaignParams(fi), "entity_status", "RUNNING"), CodeInvalidParameter, "entity_status"},
		{"total below daily", append(newCampaignParams(fi), "total_budget_amount_local_micro", "1"), CodeInvalidParameter, "total_budget_amount_local_micro"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.must(request{method: "POST", path: campaignsPath(srv), query: values(tt.kv...)})
			wantStatus(t, r, 400, tt.code)
			if _, p := r.errCode(); p != tt.param {
				t.Errorf("parameter %q, want %q", p, tt.param)
			}
		})
	}
	if n := srv.Counts().Created["campaign"]; n != 0 {
		t.Errorf("failed creates created %d campaigns", n)
	}
}

func TestUpdateAndUnset(t *testing.T) {
	srv, c := startServer(t)
	fi := firstFundingInstrument(t, c)
	kv := append(newCampaignParams(fi), "total_budget_amount_local_micro", "90000000", "purchase_order_number", "PO-1")
	id := c.must(request{method: "POST", path: campaignsPath(srv), query: values(kv...)}).data()["id"].(string)
	one := campaignsPath(srv) + "/" + id

	r := c.must(request{method: "PUT", path: one, query: values("name", "Renamed", "total_budget_amount_local_micro", "",
		"entity_status", "PAUSED")})
	wantStatus(t, r, 200, "")
	d := r.data()
	if d["name"] != "Renamed" || d["total_budget_amount_local_micro"] != nil || d["entity_status"] != "PAUSED" ||
		d["purchase_order_number"] != "PO-1" || d["servable"] != false {
		t.Errorf("updated campaign %v", d)
	}
	// Form body works for PUT too.
	r = c.must(request{method: "PUT", path: one, form: values("purchase_order_number", "")})
	wantStatus(t, r, 200, "")
	if r.data()["purchase_order_number"] != nil {
		t.Errorf("purchase_order_number not unset: %v", r.data())
	}
	wantStatus(t, c.must(request{method: "PUT", path: one, query: values("name", "")}), 400, CodeInvalidParameter)
	wantStatus(t, c.must(request{method: "PUT", path: one, query: values("funding_instrument_id", fi)}), 400, CodeInvalidParameter)

	// Seeded campaigns can be updated too; the change sticks.
	seeded := pageAll(t, c, campaignsPath(srv))[0]
	wantStatus(t, c.must(request{method: "PUT", path: campaignsPath(srv) + "/" + seeded, query: values("name", "Seeded renamed")}), 200, "")
	if got := c.get(campaignsPath(srv) + "/" + seeded).data()["name"]; got != "Seeded renamed" {
		t.Errorf("seeded update lost: name %v", got)
	}
}

func TestDeleteThenNotFound(t *testing.T) {
	srv, c := startServer(t)
	id := pageAll(t, c, campaignsPath(srv))[3]
	one := campaignsPath(srv) + "/" + id
	before := c.get(campaignsPath(srv), "with_total_count", "true").Body["total_count"].(float64)

	r := c.must(request{method: "DELETE", path: one})
	wantStatus(t, r, 200, "")
	if r.data()["deleted"] != true {
		t.Errorf("delete answered %v", r.data())
	}
	wantStatus(t, c.get(one), 404, CodeNotFound)
	if got := c.get(one, "with_deleted", "true"); got.Status != 200 || got.data()["deleted"] != true {
		t.Errorf("with_deleted: %d %s", got.Status, got.Raw)
	}
	wantStatus(t, c.must(request{method: "DELETE", path: one}), 404, CodeNotFound)
	wantStatus(t, c.must(request{method: "PUT", path: one, query: values("name", "x")}), 404, CodeNotFound)
	after := c.get(campaignsPath(srv), "with_total_count", "true").Body["total_count"].(float64)
	if after != before-1 {
		t.Errorf("total_count %v after delete, want %v", after, before-1)
	}
	for _, seen := range pageAll(t, c, campaignsPath(srv)) {
		if seen == id {
			t.Error("deleted campaign still listed")
		}
	}
	// Seeded deleted campaigns (every tenth) behave the same.
	all := pageAll(t, c, campaignsPath(srv), "with_deleted", "true")
	wantStatus(t, c.get(campaignsPath(srv)+"/"+all[9]), 404, CodeNotFound)
	wantStatus(t, c.get(campaignsPath(srv)+"/"+all[9], "with_deleted", "true"), 200, "")
	// DELETE with a signed form body (oauth params only) works as well.
	wantStatus(t, c.must(request{method: "DELETE", path: campaignsPath(srv) + "/" + all[0], form: values()}), 200, "")
	if n := srv.Counts().Deleted["campaign"]; n != 2 {
		t.Errorf("Deleted[campaign] = %d, want 2", n)
	}
}

func TestLineItemsAndPromotedTweets(t *testing.T) {
	srv, c := startServer(t)
	acct := "/12/accounts/" + srv.AccountID
	camp := pageAll(t, c, campaignsPath(srv))[0]
	base := []string{"campaign_id", camp, "objective", "ENGAGEMENTS", "placements", "ALL_ON_TWITTER,TWITTER_TIMELINE",
		"product_type", "PROMOTED_TWEETS"}
	r := c.must(request{method: "POST", path: acct + "/line_items", query: values(append(base, "bid_strategy", "MAX")...)})
	wantStatus(t, r, 400, CodeMissingParameter)
	r = c.must(request{method: "POST", path: acct + "/line_items", query: values(append(base, "bid_strategy", "MAX",
		"bid_amount_local_micro", "1500000", "start_time", "2025-01-01T00:00:00Z", "end_time", "2025-02-01T00:00:00Z")...)})
	wantStatus(t, r, 200, "")
	li := r.data()
	if pl := li["placements"].([]any); len(pl) != 2 || li["campaign_id"] != camp {
		t.Errorf("line item %v", li)
	}
	liPath := acct + "/line_items/" + li["id"].(string)
	r = c.must(request{method: "PUT", path: liPath, query: values("end_time", "", "entity_status", "PAUSED")})
	wantStatus(t, r, 200, "")
	if r.data()["end_time"] != nil || r.data()["start_time"] != "2025-01-01T00:00:00Z" {
		t.Errorf("after unset: %v", r.data())
	}
	r = c.must(request{method: "PUT", path: liPath, query: values("end_time", "2024-01-01T00:00:00Z")})
	wantStatus(t, r, 400, CodeInvalidParameter)

	r = c.must(request{method: "POST", path: acct + "/promoted_tweets", query: values("line_item_id", li["id"].(string),
		"tweet_ids", "1234567890123456789,42")})
	wantStatus(t, r, 200, "")
	pts := r.list()
	if len(pts) != 2 || pts[1]["tweet_id"] != "42" {
		t.Fatalf("promoted tweets %v", pts)
	}
	listed := c.get(acct+"/promoted_tweets", "line_item_ids", li["id"].(string)).list()
	if len(listed) != 2 {
		t.Errorf("promoted tweets of the new line item: %d, want 2", len(listed))
	}
	ptPath := acct + "/promoted_tweets/" + pts[0]["id"].(string)
	wantStatus(t, c.must(request{method: "DELETE", path: ptPath}), 200, "")
	wantStatus(t, c.get(ptPath), 404, CodeNotFound)
	wantStatus(t, c.must(request{method: "POST", path: acct + "/promoted_tweets", query: values("line_item_id", li["id"].(string))}),
		400, CodeMissingParameter)
	if got := srv.Counts().Created; got["line item"] != 1 || got["promoted tweet"] != 2 {
		t.Errorf("Created = %v", got)
	}
}

func TestAccountsAndFundingInstruments(t *testing.T) {
	srv, c := startServer(t, WithAccounts(12))
	r := c.get("/12/accounts", "count", "1000")
	wantStatus(t, r, 200, "")
	if n := len(r.list()); n != 11 {
		t.Errorf("%d accounts listed, want 11 (one of 12 deleted)", n)
	}
	ids := srv.AccountIDs()
	wantStatus(t, c.get("/12/accounts/"+ids[9]), 404, CodeNotFound)
	wantStatus(t, c.get("/12/accounts/"+ids[9], "with_deleted", "true"), 200, "")
	r = c.get("/12/accounts", "account_ids", ids[1]+","+ids[0])
	if l := r.list(); len(l) != 2 || l[0]["id"] != ids[0] {
		t.Errorf("account_ids filter: %v", l)
	}
	r = c.get("/12/accounts/" + srv.AccountID + "/authenticated_user_access")
	wantStatus(t, r, 200, "")
	if r.data()["user_id"] != srv.Credentials.userID() {
		t.Errorf("user access %v", r.data())
	}
	fis := c.get("/12/accounts/" + srv.AccountID + "/funding_instruments").list()
	if len(fis) != 2 {
		t.Fatalf("%d funding instruments", len(fis))
	}
	wantStatus(t, c.get("/12/accounts/"+srv.AccountID+"/funding_instruments/"+fis[1]["id"].(string)), 200, "")
	wantStatus(t, c.must(request{method: "POST", path: "/12/accounts/" + srv.AccountID + "/funding_instruments"}), 404, CodeRouteNotFound)
	// An entity id of another account is not found in this one.
	other := srv.store.id(kindCampaign, 1, 0)
	wantStatus(t, c.get(campaignsPath(srv)+"/"+other), 404, CodeNotFound)
}

func TestConcurrentWrites(t *testing.T) {
	srv, c := startServer(t, WithCampaigns(10))
	fi := firstFundingInstrument(t, c)
	done := make(chan struct{})
	for g := 0; g < 8; g++ {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := 0; i < 5; i++ {
				r, err := c.send(request{method: "POST", path: campaignsPath(srv), query: values(newCampaignParams(fi)...)})
				if err != nil || r.Status != 200 {
					t.Errorf("create: %v %d", err, r.Status)
				}
				c.send(request{path: campaignsPath(srv), query: values("count", "3")})
			}
		}()
	}
	for g := 0; g < 8; g++ {
		<-done
	}
	ids := pageAll(t, c, campaignsPath(srv), "count", "7")
	if len(ids) != 9+40 || srv.Counts().Created["campaign"] != 40 {
		t.Errorf("%d campaigns listed, %d created", len(ids), srv.Counts().Created["campaign"])
	}
}
