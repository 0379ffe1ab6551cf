package e2e

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A queued export run by one worker stores the same bytes as the
// one-process CLI export, in page order (no sorting needed: pages are
// stored by page number and downloaded in that order), across many jobs:
// with a job time of 1 ms every job stores one page and queues the next.
// export --queue follows the run to its end and says how it ended; runs
// list and show see it from any process.
func TestQueuedExportEqualsCLIExport(t *testing.T) {
	sim, home, env := qSetup(t, "--campaigns", "230")
	want := qCLIExport(t, home, env, sim, "20")
	w := qWorker(t, home, env, "--concurrency", "2", "--job-time", "1ms")

	r := mustRun(t, home, env, qExportArgs(sim, "20", "--queue", "--progress", "plain")...)
	id := qRunID(t, r.stdout)
	if !strings.Contains(r.stderr, "Run "+id+" ended ok: 230 records in 12 pages") {
		t.Errorf("export --queue did not follow the run to its end:\n%s", r.stderr)
	}
	got := mustRun(t, home, env, "runs", "download", id)
	if !bytes.Equal([]byte(got.stdout), want) {
		t.Fatalf("the queued export's %d bytes differ from the CLI export's %d", len(got.stdout), len(want))
	}
	run := qShowSettled(t, home, env, id)
	if run.Outcome != "ok" || run.Records != 230 || run.Pages != 12 {
		t.Errorf("runs show: %+v", run)
	}
	exports := 0
	for _, j := range run.Jobs {
		if j.Kind == "export" && j.State == "completed" {
			exports++
		}
	}
	if exports != 12 {
		t.Errorf("%d export jobs completed, want 12 (one per page at a 1 ms job time): %+v", exports, run.Jobs)
	}
	list := mustRun(t, home, env, "runs", "list")
	if !strings.Contains(list.stdout, id) || !strings.Contains(list.stdout, "230 records in 12 pages") {
		t.Errorf("runs list:\n%s", list.stdout)
	}
	if !strings.Contains(w.stderr.String(), "started: export of run "+id+", page 12") {
		t.Errorf("the worker's log does not name the run's jobs:\n%s", w.stderr.String())
	}
	for _, s := range sim.secrets() {
		if strings.Contains(w.stderr.String()+r.stderr+r.stdout+list.stdout, s) {
			t.Error("a secret shows in the worker's log or the commands' output")
		}
	}
	if strings.Contains(w.stderr.String(), "queue-Passw0rd-never-shown") {
		t.Error("the store URL's password shows in the worker's log")
	}
}

// export --queue --detach prints the run's id and returns; runs wait waits
// for its end (exit 0), runs download --out writes the records to a file.
func TestQueuedExportDetachWaitDownload(t *testing.T) {
	sim, home, env := qSetup(t, "--campaigns", "120")
	want := qCLIExport(t, home, env, sim, "25")
	r := mustRun(t, home, env, qExportArgs(sim, "25", "--queue", "--detach")...)
	id := qRunID(t, r.stdout)
	if run := qShow(t, home, env, id); run.Outcome != "queued" {
		t.Fatalf("before any worker, the run is %q, want queued", run.Outcome)
	}
	qWorker(t, home, env, "--job-time", "1ms")
	wait := mustRun(t, home, env, "runs", "wait", id)
	if !strings.Contains(wait.stderr, "ended ok") {
		t.Errorf("runs wait:\n%s", wait.stderr)
	}
	out := filepath.Join(t.TempDir(), "queued.jsonl")
	mustRun(t, home, env, "runs", "download", id, "--out", out)
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("downloaded %d bytes, the CLI exported %d", len(got), len(want))
	}
	if fi, _ := os.Stat(out); fi.Mode().Perm() != 0o600 {
		t.Errorf("the download is %v, want 0600", fi.Mode().Perm())
	}
}

// On a SQLite store, --queue and worker say that they need PostgreSQL and
// name INTEGRATOR_STORE; --out with --queue is refused.
func TestQueueNeedsPostgresStore(t *testing.T) {
	sim, home := flowHome(t)
	r := integrator(t, home, nil, qExportArgs(sim, "20", "--queue")...)
	if r.code != 1 || !strings.Contains(r.stderr, "PostgreSQL") || !strings.Contains(r.stderr, "INTEGRATOR_STORE") {
		t.Errorf("export --queue on SQLite: exit %d\n%s", r.code, r.stderr)
	}
	r = integrator(t, home, nil, "worker")
	if r.code != 1 || !strings.Contains(r.stderr, "PostgreSQL") || !strings.Contains(r.stderr, "INTEGRATOR_STORE") {
		t.Errorf("worker on SQLite: exit %d\n%s", r.code, r.stderr)
	}
	r = integrator(t, home, nil, qExportArgs(sim, "20", "--queue", "--out", filepath.Join(t.TempDir(), "x.jsonl"))...)
	if r.code != 1 || !strings.Contains(r.stderr, "--out with --queue") || !strings.Contains(r.stderr, "runs download") {
		t.Errorf("--out with --queue: exit %d\n%s", r.code, r.stderr)
	}
	r = integrator(t, home, nil, qExportArgs(sim, "20", "--detach")...)
	if r.code != 1 || !strings.Contains(r.stderr, "--detach goes with --queue") {
		t.Errorf("--detach alone: exit %d\n%s", r.code, r.stderr)
	}
}

// A queued export the API refuses fails: its run says why, runs wait
// exits 1 with the API's message, and the job is not tried again.
func TestQueuedExportThatFails(t *testing.T) {
	_, home, env := qSetup(t)
	qWorker(t, home, env)
	r := integrator(t, home, env, "export", "Prod", "accounts/nope/campaigns", "--queue")
	id := qRunID(t, r.stdout)
	if r.code != 1 || !strings.Contains(r.stderr, "error: run "+id+" failed") {
		t.Fatalf("export --queue of a refused path: exit %d\n%s", r.code, r.stderr)
	}
	wait := integrator(t, home, env, "runs", "wait", id)
	run := qShowSettled(t, home, env, id)
	if wait.code != 1 || run.Outcome != "failed" || run.Error == "" || !strings.Contains(wait.stderr, run.Error) {
		t.Errorf("runs wait: exit %d\n%s\nrun %+v", wait.code, wait.stderr, run)
	}
	if len(run.Jobs) != 1 || run.Jobs[0].State != "cancelled" {
		t.Errorf("the failed run's jobs: %+v, want one, cancelled (not retried)", run.Jobs)
	}
}
