package e2e

import (
	"crypto/rand"
	"encoding/base64"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// runs cancel of an export that a worker is running stops it between two
// pages: the run is stopped (runs wait exits 1 saying so), its job ends
// well before the last page (the whole run is one job here: a 10-minute
// job time), and what it stored stays downloadable, every record once.
func TestRunsCancelStopsARunningExport(t *testing.T) {
	sim, home, env := qSetup(t, "--campaigns", "3000")
	w := qWorker(t, home, env, "--job-time", "10m")
	id := qRunID(t, mustRun(t, home, env, qExportArgs(sim, "1", "--queue", "--detach")...).stdout)
	waitFor(t, 60*time.Second, "the export to store pages", func() bool {
		r := qShow(t, home, env, id)
		return r.running() && r.Pages >= 5
	})
	c := mustRun(t, home, env, "runs", "cancel", id)
	if !strings.Contains(c.stdout, "Cancelled run "+id) {
		t.Errorf("runs cancel:\n%s", c.stdout)
	}
	wait := integrator(t, home, env, "runs", "wait", id)
	if wait.code != 1 || !strings.Contains(wait.stderr, "stopped") || !strings.Contains(wait.stderr, "cancelled") {
		t.Errorf("runs wait of a cancelled run: exit %d\n%s", wait.code, wait.stderr)
	}
	var run qRun
	waitFor(t, 60*time.Second, "the running job to notice", func() bool {
		run = qShow(t, home, env, id)
		return !run.running()
	})
	if run.Outcome != "stopped" || run.Pages >= 3000 {
		t.Fatalf("after cancel the run is %s with %d pages stored, want stopped before its 3000th", run.Outcome, run.Pages)
	}
	out := mustRun(t, home, env, "runs", "download", id).stdout
	ids := regexp.MustCompile(`"id":"([^"]+)"`).FindAllStringSubmatch(out, -1)
	seen := map[string]bool{}
	for _, m := range ids {
		if seen[m[1]] {
			t.Fatalf("record %s stored twice", m[1])
		}
		seen[m[1]] = true
	}
	if int64(len(seen)) != run.Pages || int64(strings.Count(out, "\n")) != run.Pages {
		t.Errorf("%d records downloaded (%d lines), the run says %d pages of 1", len(seen), strings.Count(out, "\n"), run.Pages)
	}
	if !strings.Contains(w.stderr.String(), "run "+id+": cancelled") {
		t.Errorf("the worker's log does not say the run was cancelled:\n%s", w.stderr.String())
	}
	again := integrator(t, home, env, "runs", "cancel", id)
	if again.code != 1 || !strings.Contains(again.stderr, "not in progress") {
		t.Errorf("cancelling an ended run: exit %d\n%s", again.code, again.stderr)
	}
}

// A worker whose master key is not the one the store's secrets are
// sealed with refuses to start, naming both key ids, and records nothing:
// a worker with the right key then starts.
func TestWorkerWithAnotherMasterKeyRefuses(t *testing.T) {
	_, home, env, db := qSetupDB(t)
	var sealed string
	if err := db.QueryRow(`SELECT DISTINCT key_id FROM connection_secrets`).Scan(&sealed); err != nil {
		t.Fatal(err)
	}
	var key [32]byte
	rand.Read(key[:])
	r := integrator(t, t.TempDir(), append([]string{"INTEGRATOR_MASTER_KEY=" + base64.StdEncoding.EncodeToString(key[:])}, env...), "worker")
	m := regexp.MustCompile(`error: another master key: this machine's master key is (\S+) but the store's secrets are sealed with (\S+);`).FindStringSubmatch(r.stderr)
	if r.code != 1 || m == nil || m[2] != sealed || m[1] == sealed {
		t.Fatalf("a worker with another key: exit %d, want 1 naming its key and %s\n%s", r.code, sealed, r.stderr)
	}
	if strings.Contains(r.stderr, "worker started") {
		t.Error("the worker started")
	}
	w := qWorker(t, home, env)
	if !strings.Contains(w.stderr.String(), "master key "+sealed) {
		t.Errorf("the worker with the store's key:\n%s", w.stderr.String())
	}
	var recorded string
	if err := db.QueryRow(`SELECT value FROM store_info WHERE name = 'master_key_id'`).Scan(&recorded); err != nil || recorded != sealed {
		t.Errorf("the store records master key %q (%v), want %s", recorded, err, sealed)
	}
}

// SIGTERM stops a worker cleanly: its running job ends at its next page
// with the rest of the run queued, and the worker exits 0; another worker
// then finishes the run, which holds every record once, in page order
// (TestQueuedExportEqualsCLIExport compares bytes with the CLI's).
func TestSIGTERMHandsTheJobBack(t *testing.T) {
	sim, home, env := qSetup(t, "--campaigns", "1500")
	w1 := qWorker(t, home, env, "--job-time", "10m")
	id := qRunID(t, mustRun(t, home, env, qExportArgs(sim, "1", "--queue", "--detach")...).stdout)
	waitFor(t, 60*time.Second, "the export to store pages", func() bool {
		r := qShow(t, home, env, id)
		return r.running() && r.Pages >= 5
	})
	w1.signal(t, syscall.SIGTERM)
	if code := w1.wait(t, 60*time.Second); code != 0 {
		t.Fatalf("the worker stopped by SIGTERM exited %d\n%s", code, w1.stderr.String())
	}
	log1 := w1.stderr.String()
	if !strings.Contains(log1, "stopping") || !strings.Contains(log1, "the rest is queued") || !strings.Contains(log1, "worker stopped") {
		t.Errorf("the stopped worker's log:\n%s", log1)
	}
	run := qShow(t, home, env, id)
	if run.Outcome != "running" || run.Pages >= 1500 || run.running() {
		t.Fatalf("after the worker stopped the run is %+v; want it running, unfinished, no job running", run)
	}
	w2 := qWorker(t, home, env, "--job-time", "10m")
	mustRun(t, home, env, "runs", "wait", id)
	out := mustRun(t, home, env, "runs", "download", id).stdout
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	seen := map[string]bool{}
	for _, m := range regexp.MustCompile(`"id":"([^"]+)"`).FindAllStringSubmatch(out, -1) {
		seen[m[1]] = true
	}
	if len(lines) != 1500 || len(seen) != 1500 {
		t.Fatalf("the run stored %d lines with %d ids, want 1500 records once each", len(lines), len(seen))
	}
	if !regexp.MustCompile(`started: export of run ` + id + `, page [0-9]+`).MatchString(w2.stderr.String()) {
		t.Errorf("the second worker did not take the run over:\n%s", w2.stderr.String())
	}
}
