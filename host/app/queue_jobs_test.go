package app

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, for a test's schema

	"github.com/openintegrator/integrator/host/store"
)

// queueApp is an App whose store is a schema of its own on
// INTEGRATOR_TEST_POSTGRES (the test skips without it), with a connection
// "Prod" to a simulator started with args.
func queueApp(t *testing.T, args ...string) (*App, sim, *store.Store) {
	t.Helper()
	a, e, _ := testApp(t)
	pgStore(t, e)
	s := startSim(t, args...)
	create(t, a, e, s, "Prod")
	st, err := a.store(testCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	return a, s, st
}

// rateLimitRows counts the rows of the store's shared rate limits.
func rateLimitRows(t *testing.T, a *App) int {
	t.Helper()
	db, err := sql.Open("pgx", a.opts.Getenv(StoreEnv))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM rate_limits`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// startWorkers runs n workers of a until the test ends.
func startWorkers(t *testing.T, a *App, n int) {
	t.Helper()
	for i := range n {
		stop := make(chan struct{})
		done := make(chan error, 1)
		go func() {
			done <- a.RunWorker(context.Background(), WorkerOptions{Concurrency: 3, JobTime: 5 * time.Second, PollInterval: 50 * time.Millisecond, Stop: stop})
		}()
		t.Cleanup(func() {
			close(stop)
			if err := <-done; err != nil {
				t.Errorf("worker %d: %v", i+1, err)
			}
		})
	}
}

// waitRun waits until the run has ended and returns it.
func waitRun(t *testing.T, st *store.Store, id string) store.HistoryRun {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		r, err := st.HistoryRun(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if r.Outcome != store.OutcomeQueued && r.Outcome != store.OutcomeRunning {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("run %s still %s", id, r.Outcome)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func artifactText(t *testing.T, st *store.Store, id, name string) string {
	t.Helper()
	var b bytes.Buffer
	if _, err := st.WriteArtifact(context.Background(), id, name, &b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// A queued import is uploaded, planned in chunks and imported by two
// workers: every record once, its results in input order and its failed
// lines in the store; the same import queued again sends nothing (its
// records are done before).
func TestQueuedImport(t *testing.T) {
	a, s, st := queueApp(t, "--write-limit", "-1")
	ctx := testCtx(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "in.jsonl")
	fi := firstID(t, a, "accounts/"+s["account_id"]+"/funding_instruments")
	var b strings.Builder
	const n = 230
	for i := range n {
		name := fmt.Sprintf("queued %03d", i)
		if i == 17 {
			b.WriteString("not json\n")
			continue
		}
		fmt.Fprintf(&b, `{"account_id":%q,"name":%q,"funding_instrument_id":%q,"daily_budget_amount_local_micro":1000000}`+"\n", s["account_id"], name, fi)
	}
	if err := os.WriteFile(in, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	o := ImportOptions{Method: "post", PathTemplate: "accounts/{account_id}/campaigns", In: in}
	if _, err := a.QueueImport(ctx, Flow{Connection: "Prod"}, ImportOptions{Method: "POST", PathTemplate: "x", In: in, Results: "r.jsonl"}, 0); err == nil ||
		!strings.Contains(err.Error(), `"results"`) {
		t.Errorf("a queued import with a results file: %v", err)
	}
	run, err := a.QueueImport(ctx, Flow{Connection: "Prod"}, o, 40)
	if err != nil {
		t.Fatal(err)
	}
	if queued, _ := st.HistoryRun(ctx, run.ID); queued.Outcome != store.OutcomeQueued || queued.Kind != "import" || queued.Connection != "Prod" {
		t.Errorf("queued run: %+v", queued)
	}
	if got := artifactText(t, st, run.ID, store.ArtifactInput); got != b.String() {
		t.Fatalf("the uploaded input differs from the file")
	}
	startWorkers(t, a, 2)
	r := waitRun(t, st, run.ID)
	if r.Outcome != store.OutcomeFailed || r.Records != n || !strings.Contains(r.Summary, fmt.Sprintf("Imported %d records: %d ok, 1 failed, 0 unknown", n, n-1)) {
		t.Errorf("run: %+v", r)
	}
	var res []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(artifactText(t, st, run.ID, store.ArtifactResults)), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatal(err)
		}
		res = append(res, m)
	}
	if len(res) != n {
		t.Fatalf("%d results", len(res))
	}
	for i, x := range res {
		want := "ok"
		if i == 17 {
			want = "failed"
		}
		if x["line"] != float64(i+1) || x["result"] != want || x["earlier"] == true {
			t.Errorf("result %d: %v", i, x)
		}
	}
	if got := artifactText(t, st, run.ID, store.ArtifactErrors); got != "not json\n" {
		t.Errorf("errors: %q", got)
	}
	counts, _ := st.ImportCounts(ctx, r.ConnectionID)
	if counts[store.ImportOK] != n-1 {
		t.Errorf("ledger: %v", counts)
	}
	if rows := rateLimitRows(t, a); rows == 0 {
		t.Error("the chunks' requests left no row of the shared rate limits: the workers did not share them")
	}

	again, err := a.QueueImport(ctx, Flow{Connection: "Prod"}, o, 100)
	if err != nil {
		t.Fatal(err)
	}
	r = waitRun(t, st, again.ID)
	if !strings.Contains(r.Summary, fmt.Sprintf("0 ok, 1 failed, 0 unknown; %d records done before, skipped", n-1)) {
		t.Errorf("the same import queued again: %+v", r)
	}
	if counts, _ := st.ImportCounts(ctx, r.ConnectionID); counts[store.ImportOK] != n-1 {
		t.Errorf("ledger after the second run: %v", counts)
	}
}

// withoutJobIDs drops the API's job ids, which differ between runs, from
// a report's rows.
func withoutJobIDs(t *testing.T, s string) string {
	t.Helper()
	var b strings.Builder
	for _, line := range strings.Split(strings.TrimSpace(s), "\n") {
		var row map[string]any
		if err := json.Unmarshal([]byte(line), &row); err != nil {
			t.Fatalf("%v: %q", err, line)
		}
		delete(row, "job_id")
		out, _ := json.Marshal(row)
		b.Write(out)
		b.WriteByte('\n')
	}
	return b.String()
}

// A queued report is a job per async job of its plan, each snoozed while
// the API says it is processing: its rows, downloaded in plan order, are
// the rows of the report in one process; each async job is created once.
// A report the connector's limits refuse is refused when it is queued.
func TestQueuedReport(t *testing.T) {
	a, s, st := queueApp(t, "--job-delay", "1s")
	ctx := testCtx(t)
	ids := lineItemIDs(t, a, s, 45)
	start, _ := ParseReportTime("2026-01-01")
	o := ReportOptions{Account: s["account_id"], Entity: "line_item", IDs: ids, Start: start, End: start.Add(120 * 24 * time.Hour),
		Granularity: "day", Metrics: []string{"ENGAGEMENT", "BILLING"}, PollInterval: 100 * time.Millisecond}
	one := o
	one.Out = filepath.Join(t.TempDir(), "report.jsonl")
	sum, err := a.Report(ctx, Flow{Connection: "Prod"}, one)
	if err != nil || sum.Jobs != 6 {
		t.Fatalf("report in one process: %+v %v", sum, err)
	}
	want, _ := os.ReadFile(one.Out)

	bad := o
	bad.Granularity = "WEEK"
	if _, err := a.QueueReport(ctx, Flow{Connection: "Prod"}, bad); err == nil || !strings.Contains(err.Error(), `"granularity" "WEEK": use DAY, HOUR, TOTAL`) {
		t.Errorf("a granularity the connector does not offer: %v", err)
	}
	run, err := a.QueueReport(ctx, Flow{Connection: "Prod"}, o)
	if err != nil {
		t.Fatal(err)
	}
	startWorkers(t, a, 2)
	r := waitRun(t, st, run.ID)
	if r.Outcome != store.OutcomeOK || r.Records != sum.Rows || !strings.Contains(r.Summary, fmt.Sprintf("Report complete: %d rows from 6 jobs", sum.Rows)) {
		t.Errorf("run: %+v", r)
	}
	got := artifactText(t, st, run.ID, store.ArtifactOutput)
	if withoutJobIDs(t, got) != withoutJobIDs(t, string(want)) {
		t.Errorf("queued rows:\n%.2000s\nrows in one process:\n%.2000s", got, want)
	}
	jobs := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(got), "\n") {
		var row struct {
			JobID string `json:"job_id"`
		}
		json.Unmarshal([]byte(line), &row)
		jobs[row.JobID] = true
	}
	states, _ := st.Artifacts(ctx, run.ID, store.ArtifactState)
	if len(jobs) != 6 || len(states) != 6 {
		t.Errorf("%d job ids in the rows, %d saved states", len(jobs), len(states))
	}
	for _, a := range states {
		var s struct{ ID string }
		json.Unmarshal(a.Data, &s)
		if !jobs[s.ID] {
			t.Errorf("job %d's saved id %s is not in the rows (created again?)", a.Seq, s.ID)
		}
	}
}
