package twitteradssim

import (
	"fmt"
	"testing"
)

func batchPath(srv *Server) string { return "/12/batch/accounts/" + srv.AccountID + "/campaigns" }

func createOp(fi, name string) map[string]any {
	return map[string]any{"operation_type": "Create", "params": map[string]any{
		"name": name, "funding_instrument_id": fi, "daily_budget_amount_local_micro": 2000000, "standard_delivery": false,
	}}
}

func TestBatchAppliesInOrder(t *testing.T) {
	srv, c := startServer(t)
	fi := firstFundingInstrument(t, c)
	existing := pageAll(t, c, campaignsPath(srv))
	ops := []any{
		createOp(fi, "first"),
		map[string]any{"operation_type": "Update", "params": map[string]any{"campaign_id": existing[0], "name": "changed",
			"total_budget_amount_local_micro": nil}},
		createOp(fi, "second"),
		map[string]any{"operation_type": "Delete", "params": map[string]any{"campaign_id": existing[1]}},
	}
	r := c.must(request{method: "POST", path: batchPath(srv), json: ops})
	wantStatus(t, r, 200, "")
	data := r.list()
	if len(data) != 4 || data[0]["name"] != "first" || data[1]["name"] != "changed" || data[2]["name"] != "second" ||
		data[3]["deleted"] != true || data[0]["standard_delivery"] != false {
		t.Fatalf("batch data %v", data)
	}
	if data[1]["total_budget_amount_local_micro"] != nil {
		t.Errorf("null did not unset: %v", data[1])
	}
	if reqs, _ := r.Body["request"].([]any); len(reqs) != 4 {
		t.Errorf("request echo %v", r.Body["request"])
	}
	wantStatus(t, c.get(campaignsPath(srv)+"/"+existing[1]), 404, CodeNotFound)
	if got := c.get(campaignsPath(srv) + "/" + data[2]["id"].(string)).data()["name"]; got != "second" {
		t.Errorf("created campaign reads %v", got)
	}
	cnt := srv.Counts()
	if cnt.Created["campaign"] != 2 || cnt.Updated["campaign"] != 1 || cnt.Deleted["campaign"] != 1 {
		t.Errorf("counts %+v", cnt)
	}
}

func TestBatchIsAllOrNothing(t *testing.T) {
	srv, c := startServer(t)
	fi := firstFundingInstrument(t, c)
	existing := pageAll(t, c, campaignsPath(srv))
	before := c.get(campaignsPath(srv), "with_total_count", "true").Body["total_count"]
	ops := []any{
		createOp(fi, "ok"),
		map[string]any{"operation_type": "Create", "params": map[string]any{"name": "no budget", "funding_instrument_id": fi}},
		map[string]any{"operation_type": "Delete", "params": map[string]any{"campaign_id": existing[0]}},
		map[string]any{"operation_type": "Delete", "params": map[string]any{"campaign_id": existing[0]}}, // twice
		map[string]any{"operation_type": "Frobnicate", "params": map[string]any{}},
	}
	r := c.must(request{method: "POST", path: batchPath(srv), json: ops})
	wantStatus(t, r, 400, "")
	opErrs, _ := r.Body["operation_errors"].([]any)
	if len(opErrs) != len(ops) {
		t.Fatalf("operation_errors %v", r.Body["operation_errors"])
	}
	for i, wantErr := range []bool{false, true, false, true, true} {
		if got := len(opErrs[i].([]any)) > 0; got != wantErr {
			t.Errorf("operation %d: error %v, want %v (%v)", i, got, wantErr, opErrs[i])
		}
	}
	if after := c.get(campaignsPath(srv), "with_total_count", "true").Body["total_count"]; after != before {
		t.Errorf("total_count %v -> %v: a failed batch changed something", before, after)
	}
	wantStatus(t, c.get(campaignsPath(srv)+"/"+existing[0]), 200, "")
	if n := srv.Counts().Created["campaign"]; n != 0 {
		t.Errorf("Created = %d after a failed batch", n)
	}
}

func TestBatchLimits(t *testing.T) {
	srv, c := startServer(t)
	fi := firstFundingInstrument(t, c)
	ops := make([]any, 41)
	for i := range ops {
		ops[i] = createOp(fi, fmt.Sprint("c", i))
	}
	wantStatus(t, c.must(request{method: "POST", path: batchPath(srv), json: ops}), 400, CodeInvalidParameter)
	r := c.must(request{method: "POST", path: batchPath(srv), json: ops[:40]})
	wantStatus(t, r, 200, "")
	if n := len(r.list()); n != 40 {
		t.Errorf("%d created, want 40", n)
	}
	wantStatus(t, c.must(request{method: "POST", path: batchPath(srv), json: []any{}}), 400, CodeInvalidParameter)
	wantStatus(t, c.must(request{method: "POST", path: batchPath(srv), json: map[string]any{"not": "an array"}}), 400, CodeInvalidParameter)
	wantStatus(t, c.must(request{method: "POST", path: batchPath(srv), form: values("a", "b")}), 415, CodeUnsupportedMediaType)
	// Line items have their batch endpoint too.
	camp := pageAll(t, c, campaignsPath(srv))[0]
	r = c.must(request{method: "POST", path: "/12/batch/accounts/" + srv.AccountID + "/line_items", json: []any{
		map[string]any{"operation_type": "Create", "params": map[string]any{"campaign_id": camp, "objective": "REACH",
			"placements": []any{"ALL_ON_TWITTER"}, "product_type": "PROMOTED_TWEETS"}},
	}})
	wantStatus(t, r, 200, "")
}
