package e2e

import (
	"strings"
	"testing"
	"time"
)

// A queued run whose job River gave up ends as failed, and runs wait
// says so (exit 1, the reason on stderr) instead of waiting for ever.
// Here the job's worker is SIGKILLed during its last attempt (the job's
// River row allows one: set in River's table, as 25 kills would take too
// long), so River's rescuer, in another worker, discards it without
// running it: nothing of ours runs for that job again.
func TestRunsWaitEndsARunWhoseJobRiverGaveUp(t *testing.T) {
	// A page takes 5 s: the kill lands during the first one.
	c := qwNewCluster(t, "--campaigns", "45", "--latency", "5s")
	id := c.queue(qExportArgs(c.sim, "20")...)
	if _, err := c.db.Exec(`UPDATE river_job SET max_attempts = 1 WHERE args->>'run_id' = $1`, id); err != nil {
		t.Fatal(err)
	}
	w1 := c.startWorker("w1", "--job-time", "2s")
	waitFor(t, 30*time.Second, "w1 to start the run's job", func() bool { return len(w1.busy()) > 0 })
	c.kill9(w1)
	// Another worker's River rescues (here: discards) the dead worker's
	// job, 17 s after it started at a 2s job time.
	w2 := c.startWorker("w2", "--job-time", "2s")

	wait := qStart(t, c.home, c.env(), "runs", "wait", id)
	if code := wait.wait(t, 3*time.Minute); code != 1 {
		t.Fatalf("runs wait of a run whose job was given up: exit %d, want 1\n%s", code, wait.stderr.String())
	}
	stderr := strings.Join(strings.Fields(wait.stderr.String()), " ")
	for _, want := range []string{
		"error: run " + id + " failed: its export job",
		"was given up after 1 of 1 attempts",
		"its last error: Stuck job rescued by JobRescuer (its worker stopped answering while it ran",
		"run the same export again with --queue",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("runs wait says:\n%s\nwant %q", wait.stderr.String(), want)
		}
	}
	if o := c.outcome(id); o != "failed" {
		t.Errorf("runs show: %s, want failed", o)
	}
	if code := w2.stop(); code != 0 {
		t.Errorf("w2 exited %d on SIGTERM, want 0", code)
	}
}
