package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// reportRows are a report's rows without the API's job ids (which differ
// between two runs of the same report), as text in their order.
func reportRows(t *testing.T, path string) string {
	t.Helper()
	var b strings.Builder
	for _, row := range jsonLines(t, path) {
		delete(row, "job_id")
		out, _ := json.Marshal(row)
		b.Write(out)
		b.WriteByte('\n')
	}
	return b.String()
}

// A queued report run by two real workers gives the rows, in the same
// order and format, that the report in one process writes: each of its
// six stats jobs is created once, and its job waits (snoozed, holding no
// worker) while the API says it is processing.
func TestQueuedReportEqualsTheOneProcessReport(t *testing.T) {
	t.Parallel()
	sim, home, env := qSetup(t, "--job-delay", "1500ms")
	items := filepath.Join(t.TempDir(), "li.jsonl")
	mustRun(t, home, env, "export", "Prod", "accounts/"+sim.AccountID+"/line_items", "-F", "count=100", "--max-records", "45", "--out", items)
	var ids []string
	for _, li := range jsonLines(t, items) {
		ids = append(ids, li["id"].(string))
	}
	if len(ids) != 45 {
		t.Fatalf("%d line items", len(ids))
	}
	args := []string{"report", "Prod", "--account", sim.AccountID, "--entity", "LINE_ITEM", "--ids", strings.Join(ids, ","),
		"--start", "2026-01-01", "--end", "2026-05-01", "--granularity", "DAY", "--metrics", "ENGAGEMENT,BILLING", "--poll-interval", "200ms"}
	dir := t.TempDir()
	one := filepath.Join(dir, "one.jsonl")
	mustRun(t, home, env, append(args, "--out", one)...)

	before := simCreated(t, home, env, "stats job")
	workers := []*qProc{qWorker(t, home, env, "--concurrency", "2"), qWorker(t, home, env, "--concurrency", "2")}
	r := mustRun(t, home, env, append(args, "--queue", "--progress", "plain")...) // follows the run to its end
	id := qRunID(t, r.stdout)
	if !strings.Contains(r.stderr, "ended ok: Report complete: 90 rows from 6 jobs") {
		t.Errorf("the followed run's end:\n%s", r.stderr)
	}
	if got := simCreated(t, home, env, "stats job") - before; got != 6 {
		t.Errorf("%d stats jobs created for a plan of 6", got)
	}
	queued := filepath.Join(dir, "queued.jsonl")
	mustRun(t, home, env, "runs", "download", id, "--out", queued)
	want, got := reportRows(t, one), reportRows(t, queued)
	if got != want || strings.Count(got, "\n") != 90 {
		t.Errorf("the queued report's rows differ from the one-process report's:\n%.1500s\nwant:\n%.1500s", got, want)
	}
	snoozed := 0
	for _, w := range workers {
		for _, line := range strings.Split(w.stderr.String(), "\n") {
			if strings.Contains(line, " waits ") && strings.Contains(line, "report of run "+id) {
				snoozed++
			}
		}
	}
	if snoozed < 6 {
		t.Errorf("%d waits of the run's jobs while the API processed them", snoozed)
	}
	if b, _ := os.ReadFile(queued); len(b) == 0 {
		t.Error("nothing downloaded")
	}
}
