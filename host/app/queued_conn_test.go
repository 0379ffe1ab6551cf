package app

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openintegrator/integrator/host/store"
	"github.com/openintegrator/integrator/shared"
)

// sentTo counts the requests the simulator behind connection name
// received, its counters' own left out, by route.
func sentTo(t *testing.T, a *App, name string) map[string]int {
	t.Helper()
	conn, err := a.OpenConnection(testCtx(t), name)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	resp, err := conn.DoRequest(testCtx(t), shared.Request{Method: "GET", URL: "sim/counts"})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var c struct {
		Data struct {
			Requests map[string]int `json:"requests"`
		} `json:"data"`
	}
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatalf("the simulator's counts: %v\n%s", err, b)
	}
	delete(c.Data.Requests, "GET /sim/counts")
	return c.Data.Requests
}

// A queued import and a queued report whose connection was deleted after
// they were queued, and another connection created under its name (to
// another simulator), fail at once, naming the connection and saying
// that nothing was sent: neither simulator receives a request of theirs.
func TestQueuedImportAndReportOfADeletedConnectionSendNothing(t *testing.T) {
	a, e, _ := testApp(t)
	pgStore(t, e)
	ctx := testCtx(t)
	s1 := startSim(t)
	create(t, a, e, s1, "Prod")
	st, err := a.store(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fi := firstID(t, a, "accounts/"+s1["account_id"]+"/funding_instruments")
	in := filepath.Join(t.TempDir(), "in.jsonl")
	var b strings.Builder
	for i := range 3 {
		fmt.Fprintf(&b, `{"account_id":%q,"name":"pinned %d","funding_instrument_id":%q,"daily_budget_amount_local_micro":1000000}`+"\n", s1["account_id"], i, fi)
	}
	if err := os.WriteFile(in, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	imp, err := a.QueueImport(ctx, Flow{Connection: "Prod"}, ImportOptions{Method: "POST", PathTemplate: "accounts/{account_id}/campaigns", In: in}, 0)
	if err != nil {
		t.Fatal(err)
	}
	ids := lineItemIDs(t, a, s1, 3)
	start, _ := ParseReportTime("2026-01-01")
	rep, err := a.QueueReport(ctx, Flow{Connection: "Prod"}, ReportOptions{Account: s1["account_id"], Entity: "line_item", IDs: ids,
		Start: start, End: start.Add(7 * 24 * time.Hour), Granularity: "day", Metrics: []string{"ENGAGEMENT"}, PollInterval: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	create(t, a, e, s1, "Sim1")
	before1 := sentTo(t, a, "Sim1")
	// Deleted as a delete racing the queueing would: the app's delete
	// refuses a connection with queued runs (connections_queued.go).
	if err := st.Delete(ctx, "Prod"); err != nil {
		t.Fatal(err)
	}
	s2 := startSim(t)
	create(t, a, e, s2, "Prod")
	before2 := sentTo(t, a, "Prod")

	startWorkers(t, a, 1)
	for _, run := range []QueuedRun{imp, rep} {
		r := waitRun(t, st, run.ID)
		if r.Outcome != store.OutcomeFailed || r.Connection != "Prod" {
			t.Errorf("%s run: %+v", run.Kind, r)
		}
		for _, want := range []string{`the connection "Prod" was deleted after run ` + run.ID + ` was queued`,
			`the connection named "Prod" now is another one, which the run does not use`, "nothing of the run was sent",
			"queue the run again against the connection you mean"} {
			if !strings.Contains(r.Error, want) {
				t.Errorf("the %s run's error lacks %q:\n%s", run.Kind, want, r.Error)
			}
		}
	}
	if after := sentTo(t, a, "Prod"); fmt.Sprint(after) != fmt.Sprint(before2) {
		t.Errorf("the new Prod's simulator received requests: before the worker %v, after %v", before2, after)
	}
	if after := sentTo(t, a, "Sim1"); fmt.Sprint(after) != fmt.Sprint(before1) {
		t.Errorf("the deleted Prod's simulator received requests: before the worker %v, after %v", before1, after)
	}
}

// Runs queued before the connection's type was recorded in their options
// run by the connection's id alone; a run with no connection id (a row
// written by hand: every --queue path records it) is refused, not run
// through whatever connection has its name now.
func TestQueuedRunsWithoutTheirConnectionsTypeOrID(t *testing.T) {
	a, s, st := queueApp(t, "--campaigns", "20")
	ctx := testCtx(t)
	o := ExportOptions{Path: "accounts/" + s["account_id"] + "/campaigns"}
	old, err := a.QueueExport(ctx, "Prod", o)
	if err != nil {
		t.Fatal(err)
	}
	noID, err := a.QueueExport(ctx, "Prod", o)
	if err != nil {
		t.Fatal(err)
	}
	h, _ := st.HistoryRun(ctx, old.ID)
	if !strings.Contains(h.Options, `"connection_type":"twitter-ads"`) {
		t.Errorf("the queued run's options do not record its connection's type: %s", h.Options)
	}
	db, err := sql.Open("pgx", a.opts.Getenv(StoreEnv))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`UPDATE run_history SET options = replace(options, '"connection_type":"twitter-ads"', '"was":""') WHERE id = $1`, old.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE run_history SET connection_id = '' WHERE id = $1`, noID.ID); err != nil {
		t.Fatal(err)
	}
	startWorkers(t, a, 1)
	if r := waitRun(t, st, old.ID); r.Outcome != store.OutcomeOK || r.Records == 0 {
		t.Errorf("the run without its connection's type: %+v", r)
	}
	if r := waitRun(t, st, noID.ID); r.Outcome != store.OutcomeFailed ||
		!strings.Contains(r.Error, `records no connection id, so the connection "Prod" it was queued against cannot be told from another of that name: nothing was sent; queue the run again`) {
		t.Errorf("the run without a connection id: %+v", r)
	}
}
