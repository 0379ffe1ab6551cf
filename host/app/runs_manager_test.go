package app

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openintegrator/integrator/shared"
)

// These tests drive the RunManager as the console does: a run starts in
// the background and is watched, stopped and resumed by its id.

// label is how these tests' "front end" names options.
func label(name string) string { return "<" + name + ">" }

// waitEnd watches run id until it has ended, and returns what it said.
func waitEnd(t *testing.T, m *RunManager, id string) RunView {
	t.Helper()
	ctx := testCtx(t)
	var events []RunEvent
	var after int64
	for {
		v, changed, err := m.Watch(ctx, id, after)
		if err != nil {
			t.Fatal(err)
		}
		events = append(events, v.Events...)
		if n := len(v.Events); n > 0 {
			after = v.Events[n-1].Seq
		}
		if v.Run.Outcome != OutcomeRunning {
			v.Events = events
			return v
		}
		if changed == nil {
			t.Fatalf("run %s is running, and its watch will not change: %+v", id, v)
		}
		select {
		case <-changed:
		case <-ctx.Done():
			t.Fatalf("run %s did not end: %+v", id, v.Run)
		}
	}
}

// An export started in the background is watched to its end: its status
// tells how far it is, its record says ok with the records exported, and
// its output (all the records once each, as a foreground export writes
// them) is there to download under its own folder. A new manager (a
// console started again) finds it in the history, as it was.
func TestRunManagerExport(t *testing.T) {
	ctx := testCtx(t)
	a, e, _ := testApp(t)
	s := startSim(t, "--campaigns", "30")
	create(t, a, e, s, "Prod")
	m := NewRunManager(a, RunManagerOptions{OptionName: label})
	defer m.Close()
	path := "accounts/" + s["account_id"] + "/campaigns"
	rec, err := m.StartExport(ctx, "Prod", ExportOptions{Path: path, Params: []shared.Param{{Key: "count", Value: "10"}}, Out: "/tmp/elsewhere.jsonl"})
	if err != nil {
		t.Fatal(err)
	}
	if !ValidRunID(rec.ID) || rec.Kind != "export" || rec.Connection != "Prod" || rec.What != "export of "+path+" (count=10)" {
		t.Errorf("the started run: %+v", rec)
	}
	v := waitEnd(t, m, rec.ID)
	var whole bytes.Buffer
	if _, err := a.Export(ctx, Flow{Connection: "Prod", Stdout: &whole}, ExportOptions{Path: path, Params: []shared.Param{{Key: "count", Value: "10"}}}); err != nil {
		t.Fatal(err)
	}
	n := int64(bytes.Count(whole.Bytes(), []byte("\n")))
	if v.Run.Outcome != OutcomeOK || n < 21 || v.Run.Records != n || v.Run.Summary != fmt.Sprintf("Exported %d records in 3 pages", n) || v.Run.Error != "" || v.Run.EndedAt == nil {
		t.Errorf("the ended run: %+v", v.Run)
	}
	if !strings.HasPrefix(v.Status, "Exporting: 2 pages, 20 records") || v.Run.Resumable {
		t.Errorf("its last status %q, resumable %v", v.Status, v.Run.Resumable)
	}
	f, file, err := m.OpenRunFile(ctx, rec.ID, FileOutput)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(f.Name())
	f.Close()
	home, _ := a.HomeDir()
	if !bytes.Equal(got, whole.Bytes()) || file.Path != filepath.Join(home, "runs", rec.ID, "output.jsonl") || file.FileName != "export-"+rec.ID+"-output.jsonl" {
		t.Errorf("its output %s (%s), %d bytes; the foreground export's %d", file.Path, file.FileName, len(got), whole.Len())
	}
	if _, err := os.Stat("/tmp/elsewhere.jsonl"); err == nil {
		t.Error("the export wrote where its options said, not into its own folder")
	}

	m2 := NewRunManager(New(Options{Getenv: e.get, LogLevel: "warn"}), RunManagerOptions{})
	defer m2.Close()
	runs, err := m2.Runs(ctx)
	if err != nil || len(runs) != 1 || runs[0].ID != rec.ID || runs[0].Outcome != OutcomeOK || runs[0].Records != n || len(runs[0].Files) != 1 {
		t.Fatalf("the history after a restart: %+v, %v", runs, err)
	}
	if _, changed, err := m2.Watch(ctx, rec.ID, 0); err != nil || changed != nil {
		t.Errorf("watching an ended run: %v, %v", changed, err)
	}
}

// A run stopped while it runs ends as stopped with what it saved kept,
// and can be resumed under the same id: the output then holds every
// record exactly once, as if it had never stopped.
func TestRunManagerStopAndResume(t *testing.T) {
	ctx := testCtx(t)
	a, e, _ := testApp(t)
	// The first page waits out a rate limit (an event); the third hangs.
	s := startSim(t, "--campaigns", "30", "--fault", "too_many_requests,path=/campaigns,times=1,retry-after=1s",
		"--fault", "slow,delay=60s,path=/campaigns,every=3,times=1")
	create(t, a, e, s, "Prod")
	m := NewRunManager(a, RunManagerOptions{OptionName: label})
	defer m.Close()
	opts := ExportOptions{Path: "accounts/" + s["account_id"] + "/campaigns", Params: []shared.Param{{Key: "count", Value: "10"}}}
	rec, err := m.StartExport(ctx, "Prod", opts)
	if err != nil {
		t.Fatal(err)
	}
	// Its first page is saved; its second hangs in the simulator.
	waitForASavedPage(t, a, "Prod")
	if _, err := m.Resume(ctx, rec.ID); !isStateError(err) {
		t.Errorf("resuming a run in progress: %v", err)
	}
	if err := m.Stop(ctx, rec.ID); err != nil {
		t.Fatal(err)
	}
	v := waitEnd(t, m, rec.ID)
	if v.Run.Outcome != OutcomeStopped || !v.Run.Resumable || v.Run.Records != 20 || len(v.Run.Files) != 0 ||
		v.Run.Error != "Stopped on request. 20 records in 2 pages are saved; run the same command with <resume> to continue" {
		t.Fatalf("the stopped run: %+v", v.Run)
	}
	if err := m.Stop(ctx, rec.ID); !isStateError(err) {
		t.Errorf("stopping a stopped run: %v", err)
	}
	if !hasEvent(v.Events, "alert", "Stopping on request") {
		t.Errorf("the stopped run's events: %+v", v.Events)
	}

	rec2, err := m.Resume(ctx, rec.ID)
	if err != nil || rec2.ID != rec.ID || rec2.Attempts != 2 {
		t.Fatalf("resume: %+v, %v", rec2, err)
	}
	v = waitEnd(t, m, rec.ID)
	var whole bytes.Buffer
	if _, err := a.Export(ctx, Flow{Connection: "Prod", Stdout: &whole}, opts); err != nil {
		t.Fatal(err)
	}
	if n := int64(bytes.Count(whole.Bytes(), []byte("\n"))); v.Run.Outcome != OutcomeOK || v.Run.Records != n || !strings.Contains(v.Run.Summary, "(resumed)") || v.Run.Resumable {
		t.Fatalf("the resumed run: %+v; the whole export has %d records", v.Run, n)
	}
	// Its events are those of both attempts, numbered on.
	if !hasEvent(v.Events, "alert", "Stopping on request") || !hasEvent(v.Events, "note", "Resumed: attempt 2") || !hasEvent(v.Events, "note", "Resuming the export") {
		t.Errorf("the resumed run's events: %+v", v.Events)
	}
	for i, ev := range v.Events {
		if ev.Seq != int64(i+1) {
			t.Errorf("event %d is numbered %d: %+v", i, ev.Seq, v.Events)
		}
	}
	f, _, err := m.OpenRunFile(ctx, rec.ID, FileOutput)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, _ := os.ReadFile(f.Name())
	if !bytes.Equal(got, whole.Bytes()) {
		t.Errorf("the resumed output holds %d lines, the whole export %d", bytes.Count(got, []byte("\n")), bytes.Count(whole.Bytes(), []byte("\n")))
	}
	// Twice: a refused resume lets go of the run's hold (else the second
	// would find it "in progress").
	for range 2 {
		if _, err := m.Resume(ctx, rec.ID); !isStateError(err) || !strings.Contains(err.Error(), "complete") {
			t.Errorf("resuming a complete run: %v", err)
		}
	}
}

func isStateError(err error) bool {
	var se *RunStateError
	return errors.As(err, &se)
}

func hasEvent(events []RunEvent, kind, text string) bool {
	for _, e := range events {
		if e.Kind == kind && strings.Contains(e.Text, text) {
			return true
		}
	}
	return false
}

// An import's input is received into its run's folder; a line that is no
// JSON fails, the run ends as failed saying so, and the errors file holds
// that line as it was, the results file a line per record.
func TestRunManagerImportWithABadLine(t *testing.T) {
	ctx := testCtx(t)
	a, e, _ := testApp(t)
	s := startSim(t)
	create(t, a, e, s, "Prod")
	m := NewRunManager(a, RunManagerOptions{OptionName: label})
	defer m.Close()
	fi := firstID(t, a, "accounts/"+s["account_id"]+"/funding_instruments")
	bad := `{"account_id": "` + s["account_id"] + `", "name": "broken`
	lines := []string{
		fmt.Sprintf(`{"account_id":%q,"name":"manager 1","funding_instrument_id":%q,"daily_budget_amount_local_micro":1000000,"entity_status":"PAUSED"}`, s["account_id"], fi),
		bad,
		fmt.Sprintf(`{"account_id":%q,"name":"manager 2","funding_instrument_id":%q,"daily_budget_amount_local_micro":1000000,"entity_status":"PAUSED"}`, s["account_id"], fi),
	}
	in, err := m.ReceiveInput(strings.NewReader(strings.Join(lines, "\n")+"\n"), "C:\\Users\\ann\\campaigns.jsonl", 0)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := m.StartImport(ctx, "Prod", ImportOptions{Method: "post", PathTemplate: "accounts/{account_id}/campaigns", Results: "/tmp/x", Errors: "/tmp/y"}, in)
	if err != nil {
		t.Fatal(err)
	}
	if rec.What != "import of campaigns.jsonl (POST accounts/{account_id}/campaigns)" {
		t.Errorf("what: %q", rec.What)
	}
	v := waitEnd(t, m, rec.ID)
	if v.Run.Outcome != OutcomeFailed || v.Run.Records != 3 || v.Run.Summary != "Imported 3 records: 2 ok, 1 failed, 0 unknown" ||
		v.Run.Error != "1 record failed: its input line is in the errors file" || v.Run.Resumable {
		t.Fatalf("the import: %+v", v.Run)
	}
	if len(v.Run.Files) != 2 || v.Run.Files[0].Name != FileResults || v.Run.Files[1].Name != FileErrors {
		t.Fatalf("its files: %+v", v.Run.Files)
	}
	f, _, err := m.OpenRunFile(ctx, rec.ID, FileErrors)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(f.Name())
	f.Close()
	if string(got) != bad+"\n" {
		t.Errorf("the errors file: %q", got)
	}
	f, _, err = m.OpenRunFile(ctx, rec.ID, FileResults)
	if err != nil {
		t.Fatal(err)
	}
	got, _ = os.ReadFile(f.Name())
	f.Close()
	if bytes.Count(got, []byte("\n")) != 3 || !bytes.Contains(got, []byte(`"result":"failed"`)) {
		t.Errorf("the results file:\n%s", got)
	}
	if _, err := m.Resume(ctx, rec.ID); !isStateError(err) || !strings.Contains(err.Error(), "errors file") {
		t.Errorf("resuming an import that ended: %v", err)
	}
	for _, name := range []string{FileOutput, "input", "../../integrator.db"} {
		var fe *RunFileError
		if _, _, err := m.OpenRunFile(ctx, rec.ID, name); !errors.As(err, &fe) {
			t.Errorf("opening the import's %q file: %v", name, err)
		}
	}
}

// What a run is started with is checked before anything is recorded:
// every problem at once, options named as the front end names them; an
// unknown connection is named; a refused import's input is removed.
func TestRunManagerRefusesBadInput(t *testing.T) {
	ctx := testCtx(t)
	a, e, _ := testApp(t)
	s := startSim(t)
	create(t, a, e, s, "Prod")
	m := NewRunManager(a, RunManagerOptions{OptionName: label})
	defer m.Close()
	var bad *RunInputError
	_, err := m.StartExport(ctx, "", ExportOptions{MaxRecords: -1})
	if !errors.As(err, &bad) || len(bad.Problems) != 3 || !strings.HasPrefix(bad.Problems[0], "<connection> is required") ||
		!strings.HasPrefix(bad.Problems[1], "<path> is required") || !strings.HasPrefix(bad.Problems[2], "<max-records> must not be negative") {
		t.Errorf("an export without connection or path: %v", err)
	}
	var nf *NotFoundError
	if _, err := m.StartExport(ctx, "Staging", ExportOptions{Path: "accounts"}); !errors.As(err, &nf) {
		t.Errorf("an export through no connection: %v", err)
	}
	_, err = m.StartReport(ctx, "Prod", ReportOptions{Account: s["account_id"]})
	if !errors.As(err, &bad) || len(bad.Problems) != 4 || !strings.Contains(err.Error(), "<entity> is required") {
		t.Errorf("a report without its parameters: %v", err)
	}
	in, err := m.ReceiveInput(strings.NewReader(`{"a":1}`+"\n"), "in.jsonl", 0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = m.StartImport(ctx, "Prod", ImportOptions{Method: "GET", PathTemplate: "accounts/{account_id/campaigns"}, in)
	if !errors.As(err, &bad) || len(bad.Problems) != 2 || !strings.Contains(bad.Problems[0], `method "GET"`) || !strings.Contains(bad.Problems[1], "path template") {
		t.Errorf("an import with a bad method and template: %v", err)
	}
	empty, err := m.ReceiveInput(strings.NewReader(""), "", 0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = m.StartImport(ctx, "Prod", ImportOptions{Method: "POST", PathTemplate: "accounts/{account_id}/campaigns"}, empty)
	if !errors.As(err, &bad) || len(bad.Problems) != 1 || !strings.HasPrefix(bad.Problems[0], "<in>: choose a file") {
		t.Errorf("an import of an empty file: %v", err)
	}
	if runs, err := m.Runs(ctx); err != nil || len(runs) != 0 {
		t.Errorf("refused runs were recorded: %+v, %v", runs, err)
	}
	home, _ := a.HomeDir()
	if left, _ := os.ReadDir(filepath.Join(home, "runs")); len(left) != 0 {
		t.Errorf("refused runs left folders: %v", left)
	}
}

// An input over the limit is refused as it arrives, and nothing of it is
// left on disk.
func TestReceiveInputLimit(t *testing.T) {
	a, _, _ := testApp(t)
	m := NewRunManager(a, RunManagerOptions{})
	defer m.Close()
	var tooLarge *InputTooLargeError
	if _, err := m.ReceiveInput(strings.NewReader(strings.Repeat("x", 2048)), "big.jsonl", 1024); !errors.As(err, &tooLarge) ||
		!strings.Contains(err.Error(), "1 KiB") {
		t.Errorf("an input over the limit: %v", err)
	}
	in, err := m.ReceiveInput(strings.NewReader(strings.Repeat("x", 1024)), "../../etc/passwd", 1024)
	if err != nil || in.Size != 1024 || in.Name != "passwd" {
		t.Fatalf("an input at the limit: %+v, %v", in, err)
	}
	home, _ := a.HomeDir()
	if got, _ := os.ReadFile(filepath.Join(home, "runs", in.id, "input.jsonl")); len(got) != 1024 {
		t.Errorf("the input on disk: %d bytes", len(got))
	}
	in.Discard()
	if left, _ := os.ReadDir(filepath.Join(home, "runs")); len(left) != 0 {
		t.Errorf("inputs left: %v", left)
	}
}

// A run the history holds as running whose process is gone (the console
// was killed) is listed as stopped and resumable, and resuming it runs it
// to its end.
func TestRunManagerRunOfADeadProcess(t *testing.T) {
	ctx := testCtx(t)
	a, e, _ := testApp(t)
	s := startSim(t, "--campaigns", "5")
	create(t, a, e, s, "Prod")
	m := NewRunManager(a, RunManagerOptions{})
	rec, err := m.StartExport(ctx, "Prod", ExportOptions{Path: "accounts/" + s["account_id"] + "/campaigns"})
	if err != nil {
		t.Fatal(err)
	}
	waitEnd(t, m, rec.ID)
	m.Close()
	// What a process killed mid-run leaves: its record says running, and
	// no process holds it.
	st, err := a.store(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.ResumeHistoryRun(ctx, rec.ID, `{"Path":"accounts/`+s["account_id"]+`/campaigns"}`); err != nil {
		t.Fatal(err)
	}
	m = NewRunManager(a, RunManagerOptions{})
	defer m.Close()
	got, err := m.Get(ctx, rec.ID)
	if err != nil || got.Outcome != OutcomeStopped || !got.Resumable || !strings.Contains(got.Error, "process") {
		t.Fatalf("a run whose process is gone: %+v, %v", got, err)
	}
	if _, err := m.Resume(ctx, rec.ID); err != nil {
		t.Fatal(err)
	}
	if v := waitEnd(t, m, rec.ID); v.Run.Outcome != OutcomeOK || v.Run.Records != 5 || v.Run.Attempts != 3 {
		t.Errorf("the resumed run: %+v", v.Run)
	}
}

// A report started in the background writes its rows to its own folder.
func TestRunManagerReport(t *testing.T) {
	ctx := testCtx(t)
	a, e, _ := testApp(t)
	s := startSim(t, "--job-delay", "100ms")
	create(t, a, e, s, "Prod")
	m := NewRunManager(a, RunManagerOptions{})
	defer m.Close()
	id := firstID(t, a, "accounts/"+s["account_id"]+"/line_items")
	start, _ := ParseReportTime("2026-01-01")
	rec, err := m.StartReport(ctx, "Prod", ReportOptions{Account: s["account_id"], Entity: "line_item", IDs: []string{id}, Start: start,
		End: start.Add(48 * time.Hour), Granularity: "DAY", Metrics: []string{"engagement"}, PollInterval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if rec.What != "report of 1 LINE_ITEM id (ENGAGEMENT) of account "+s["account_id"]+" from 2026-01-01 to 2026-01-03" {
		t.Errorf("what: %q", rec.What)
	}
	v := waitEnd(t, m, rec.ID)
	if v.Run.Outcome != OutcomeOK || v.Run.Records != 1 || v.Run.Summary != "Report complete: 1 row from 1 job" || len(v.Run.Files) != 1 {
		t.Fatalf("the report: %+v", v.Run)
	}
	if !hasEvent(v.Events, "note", "Report of 1 LINE_ITEM id") {
		t.Errorf("its events: %+v", v.Events)
	}
}

// Closing the manager stops the runs in progress and records them as
// stopped.
func TestRunManagerCloseStopsRuns(t *testing.T) {
	ctx := testCtx(t)
	a, e, _ := testApp(t)
	s := startSim(t, "--campaigns", "30", "--fault", "slow,delay=60s,path=/campaigns,times=1")
	create(t, a, e, s, "Prod")
	m := NewRunManager(a, RunManagerOptions{})
	rec, err := m.StartExport(ctx, "Prod", ExportOptions{Path: "accounts/" + s["account_id"] + "/campaigns"})
	if err != nil {
		t.Fatal(err)
	}
	m.Close()
	got, err := m.Get(ctx, rec.ID)
	if err != nil || got.Outcome != OutcomeStopped || got.EndedAt == nil || got.Error != "Stopped: the console it ran in stopped." {
		t.Fatalf("a run in progress when the manager closed: %+v, %v", got, err)
	}
	if _, err := m.StartExport(ctx, "Prod", ExportOptions{Path: "accounts"}); !isStateError(err) {
		t.Errorf("a run started after Close: %v", err)
	}
}

// waitForASavedPage waits until an export of the connection name has
// saved a page (it is then among the connection's unfinished work).
func waitForASavedPage(t *testing.T, a *App, name string) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
		w, err := a.Work(testCtx(t), name)
		if err != nil {
			t.Fatal(err)
		}
		if len(w.Unfinished) > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the export saved no page: %+v", w)
		}
	}
}
