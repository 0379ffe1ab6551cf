package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openintegrator/integrator/shared"
)

// An export runs through the core; while it runs it is listed as work in
// progress and its connection cannot be deleted; ending its context stops
// it with its progress kept, listed as unfinished; it is then resumed to
// the same bytes as an export that was never stopped.
func TestExportIsObservedStoppedAndResumed(t *testing.T) {
	ctx := testCtx(t)
	a, e, _ := testApp(t)
	s := startSim(t, "--campaigns", "30", "--fault", "slow,delay=60s,path=/campaigns,every=2,times=1")
	create(t, a, e, s, "Prod")
	out := filepath.Join(t.TempDir(), "campaigns.jsonl")
	opts := ExportOptions{Path: "accounts/" + s["account_id"] + "/campaigns", Params: []shared.Param{{Key: "count", Value: "10"}}, Out: out}

	runCtx, stop := context.WithCancel(ctx)
	pr := &recorder{}
	type result struct {
		sum ExportSummary
		err error
	}
	done := make(chan result, 1)
	go func() {
		sum, err := a.Export(runCtx, Flow{Connection: "Prod", Progress: pr}, opts)
		done <- result{sum, err}
	}()
	// Its first page is saved; its second hangs in the simulator.
	var w Work
	for deadline := time.Now().Add(time.Minute); len(w.Running) == 0 || len(w.Unfinished) == 0; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the export never showed as running with a page saved: %+v", w)
		}
		var err error
		if w, err = a.Work(ctx, "Prod"); err != nil {
			t.Fatal(err)
		}
	}
	if !strings.Contains(w.Running[0].What, "export") || w.Unfinished[0].OutPath != out {
		t.Errorf("work in progress: %+v", w)
	}
	var inUse *InUseError
	if _, err := a.DeleteConnection(ctx, "Prod", true); !errors.As(err, &inUse) || len(inUse.Runs) != 1 {
		t.Errorf("deleting a connection an export uses: %v", err)
	}
	stop()
	r := <-done
	var stopped *StoppedError
	if !errors.As(r.err, &stopped) {
		t.Fatalf("the stopped export: %+v, %v", r.sum, r.err)
	}
	if pr.cleared == 0 {
		t.Error("the stopped export did not clear its progress")
	}
	if w, err := a.Work(ctx, "Prod"); err != nil || len(w.Running) != 0 || len(w.Unfinished) != 1 {
		t.Fatalf("work after the stop: %+v, %v", w, err)
	}
	var unfinished *UnfinishedWorkError
	if _, err := a.DeleteConnection(ctx, "Prod", false); !errors.As(err, &unfinished) || len(unfinished.Work.Forgotten()) != 1 {
		t.Errorf("deleting a connection with an unfinished export: %v", err)
	}

	opts.Resume = true
	pr = &recorder{}
	sum, err := a.Export(ctx, Flow{Connection: "Prod", Progress: pr}, opts)
	if err != nil || !sum.Resumed {
		t.Fatalf("the resumed export: %+v, %v", sum, err)
	}
	if heard := pr.text(); !strings.Contains(heard, "note: Resuming the export") || !strings.Contains(heard, "status: ") {
		t.Errorf("the resumed export's progress:\n%s", heard)
	}
	var whole bytes.Buffer
	if _, err := a.Export(ctx, Flow{Connection: "Prod", Stdout: &whole}, ExportOptions{Path: opts.Path, Params: opts.Params}); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(out)
	if !bytes.Equal(got, whole.Bytes()) || bytes.Count(got, []byte("\n")) < 20 {
		t.Errorf("the resumed export holds %d lines, the whole one %d", bytes.Count(got, []byte("\n")), bytes.Count(whole.Bytes(), []byte("\n")))
	}
	if w, err := a.Work(ctx, "Prod"); err != nil || len(w.Unfinished) != 0 {
		t.Errorf("work after the resume: %+v, %v", w, err)
	}
}

// An import runs through the core, and a second run of it skips every
// record the first applied.
func TestImportSkipsWhatIsDone(t *testing.T) {
	ctx := testCtx(t)
	a, e, _ := testApp(t)
	s := startSim(t)
	create(t, a, e, s, "Prod")
	fi := firstID(t, a, "accounts/"+s["account_id"]+"/funding_instruments")
	var lines []string
	for i := range 3 {
		lines = append(lines, fmt.Sprintf(`{"account_id":%q,"name":"app test %d","funding_instrument_id":%q,"daily_budget_amount_local_micro":1000000,"entity_status":"PAUSED"}`,
			s["account_id"], i, fi))
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "in.jsonl")
	if err := os.WriteFile(in, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	opts := ImportOptions{Method: "POST", PathTemplate: "accounts/{account_id}/campaigns", In: in, Results: filepath.Join(dir, "results.jsonl")}
	sum, err := a.Import(ctx, Flow{Connection: "Prod", Progress: &recorder{}}, opts)
	if err != nil || sum.Records != 3 || sum.OK != 3 {
		t.Fatalf("import: %+v, %v", sum, err)
	}
	sum, err = a.Import(ctx, Flow{Connection: "Prod"}, opts)
	if err != nil || sum.OK != 0 || sum.Earlier != 3 {
		t.Fatalf("the import again: %+v, %v", sum, err)
	}
	if w, err := a.Work(ctx, "Prod"); err != nil || w.Applied != 3 {
		t.Errorf("work: %+v, %v", w, err)
	}
}

// A report runs through the core: jobs created, polled and downloaded.
func TestReportRuns(t *testing.T) {
	ctx := testCtx(t)
	a, e, _ := testApp(t)
	s := startSim(t, "--job-delay", "100ms")
	create(t, a, e, s, "Prod")
	ids := lineItemIDs(t, a, s, 2)
	start, _ := ParseReportTime("2026-01-01")
	out := filepath.Join(t.TempDir(), "report.jsonl")
	sum, err := a.Report(ctx, Flow{Connection: "Prod", Progress: &recorder{}}, ReportOptions{Account: s["account_id"], Entity: "LINE_ITEM", IDs: ids,
		Start: start, End: start.Add(48 * time.Hour), Granularity: "DAY", Metrics: []string{"ENGAGEMENT"}, Out: out, PollInterval: 50 * time.Millisecond})
	if err != nil || sum.Jobs != 1 || sum.Rows != 2 {
		t.Fatalf("report: %+v, %v", sum, err)
	}
	if got, _ := os.ReadFile(out); bytes.Count(got, []byte("\n")) != 2 {
		t.Errorf("report rows:\n%s", got)
	}
}

// lineItemIDs exports the ids of the first n line items of the
// simulator's ads account through the connection "Prod".
func lineItemIDs(t *testing.T, a *App, s sim, n int64) []string {
	t.Helper()
	var items bytes.Buffer
	if _, err := a.Export(testCtx(t), Flow{Connection: "Prod", Stdout: &items}, ExportOptions{Path: "accounts/" + s["account_id"] + "/line_items", MaxRecords: n}); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, line := range strings.Split(strings.TrimSpace(items.String()), "\n") {
		var r struct{ ID string }
		if err := json.Unmarshal([]byte(line), &r); err != nil || r.ID == "" {
			t.Fatalf("line item %q: %v", line, err)
		}
		ids = append(ids, r.ID)
	}
	return ids
}

// firstID returns the id of the first record a GET of path answers.
func firstID(t *testing.T, a *App, path string) string {
	t.Helper()
	conn, err := a.OpenConnection(testCtx(t), "Prod")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	resp, err := conn.DoRequest(testCtx(t), shared.Request{Method: "GET", URL: path})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var page struct {
		Data []struct{ ID string } `json:"data"`
	}
	if err := json.Unmarshal(b, &page); err != nil || len(page.Data) == 0 {
		t.Fatalf("GET %s: %d %s", path, resp.Status, b)
	}
	return page.Data[0].ID
}
