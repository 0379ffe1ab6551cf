package e2e

import (
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"
)

// rdCount counts the rows of a table of the test's store that match where.
func rdCount(t *testing.T, db *sql.DB, table, where string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM `+table+` WHERE `+where, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// runs delete deletes ended runs' history rows and what is stored for
// them (artifacts, a queued export's checkpoint), saying how many runs
// and bytes; it refuses a run in progress, naming it and 'runs cancel',
// and a list with an unknown id, naming it, deleting nothing of either.
// --older-than deletes the runs that ended more than its age ago, never
// one in progress.
func TestRunsDelete(t *testing.T) {
	sim, home, env, db := qSetupDB(t, "--campaigns", "45")

	// Queued, no worker yet: in progress.
	waiting := qRunID(t, mustRun(t, home, env, qExportArgs(sim, "20", "--queue", "--detach")...).stdout)
	r := integrator(t, home, env, "runs", "delete", waiting)
	if r.code != 1 || !strings.Contains(r.stderr, "run "+waiting+" is in progress") || !strings.Contains(r.stderr, "integrator runs cancel "+waiting) {
		t.Fatalf("deleting a queued run: exit %d\n%s", r.code, r.stderr)
	}
	if qShow(t, home, env, waiting).Outcome != "queued" {
		t.Fatal("a refused delete changed the run")
	}
	mustRun(t, home, env, "runs", "cancel", waiting)

	qWorker(t, home, env, "--job-time", "1ms")
	done := qRunID(t, mustRun(t, home, env, qExportArgs(sim, "20", "--queue")...).stdout)
	out := mustRun(t, home, env, "runs", "download", done).stdout
	if len(out) == 0 || rdCount(t, db, "export_runs", "run_key = $1", "queued:"+done) != 1 {
		t.Fatalf("the export stored %d bytes and no checkpoint", len(out))
	}

	// An unknown id among them: nothing is deleted.
	r = integrator(t, home, env, "runs", "delete", waiting, done, "00000000deadbeef")
	if r.code != 1 || !strings.Contains(r.stderr, "no such run: 00000000deadbeef") || !strings.Contains(r.stderr, "nothing was deleted") {
		t.Fatalf("deleting with an unknown id: exit %d\n%s", r.code, r.stderr)
	}
	if qShow(t, home, env, waiting).Outcome != "stopped" || qShow(t, home, env, done).Outcome != "ok" {
		t.Fatal("a refused delete deleted a run")
	}

	r = mustRun(t, home, env, "runs", "delete", waiting, done)
	for _, want := range []string{
		fmt.Sprintf("Deleted run %s (export, ok): %d bytes stored for it.", done, len(out)),
		fmt.Sprintf("Deleted run %s (export, stopped): 0 bytes stored for it.", waiting),
		fmt.Sprintf("Deleted 2 runs, %d bytes; the import ledger and one-process checkpoints are kept.", len(out)),
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("runs delete says:\n%s\nwant %q", r.stdout, want)
		}
	}
	for _, id := range []string{waiting, done} {
		if r := integrator(t, home, env, "runs", "show", id); r.code != 1 || !strings.Contains(r.stderr, "no such run") {
			t.Errorf("runs show of a deleted run: exit %d %s", r.code, r.stderr)
		}
		if n := rdCount(t, db, "run_artifacts", "run_id = $1", id) + rdCount(t, db, "run_history", "id = $1", id) +
			rdCount(t, db, "export_runs", "run_key = $1", "queued:"+id); n != 0 {
			t.Errorf("run %s: %d rows left in the store", id, n)
		}
	}
	if r := integrator(t, home, env, "runs", "delete", done); r.code != 1 || !strings.Contains(r.stderr, "no such run: "+done) {
		t.Errorf("deleting it again: exit %d %s", r.code, r.stderr)
	}

	// --older-than: a run that ended a moment ago is younger than an hour.
	last := qRunID(t, mustRun(t, home, env, qExportArgs(sim, "20", "--queue")...).stdout)
	if r := mustRun(t, home, env, "runs", "delete", "--older-than", "1h"); !strings.Contains(r.stdout, "No run ended more than 1h ago") {
		t.Errorf("--older-than 1h: %s", r.stdout)
	}
	if qShow(t, home, env, last).Outcome != "ok" {
		t.Fatal("--older-than 1h deleted a run that just ended")
	}
	time.Sleep(10 * time.Millisecond)
	if r := mustRun(t, home, env, "runs", "delete", "--older-than", "1ms"); !strings.Contains(r.stdout, "Deleted run "+last+" (export, ok)") ||
		!strings.Contains(r.stdout, "Deleted 1 run,") {
		t.Errorf("--older-than 1ms: %s", r.stdout)
	}
	if r := integrator(t, home, env, "runs", "delete", "--older-than", "soon"); r.code != 1 || !strings.Contains(r.stderr, "--older-than \"soon\": give an age such as 30d") {
		t.Errorf("a bad age: exit %d %s", r.code, r.stderr)
	}
}
