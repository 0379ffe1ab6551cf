package e2e

import (
	"strings"
	"testing"
)

// `connections delete` and `connections convert` refuse a connection
// with a queued run that has not ended (each would fail when its next job
// runs), naming the run and the fixes, and change nothing: the run then
// runs to its end with a worker.
func TestConnectionsDeleteAndConvertRefuseWhileAQueuedRunHasNotEnded(t *testing.T) {
	sim, home, env := qSetup(t, "--campaigns", "30")
	id := cpQueue(t, home, env, sim)

	del := integrator(t, home, env, "connections", "delete", "Prod", "--yes", "--force")
	conv := integrator(t, home, env, "--plugin-dir", httpPluginDir(), "connections", "convert", "Prod", "--to", "http")
	for _, c := range []struct {
		what string
		r    result
		want []string
	}{
		{"delete", del, []string{"Nothing was deleted.", "integrator connections delete Prod --cancel-runs"}},
		{"convert", conv, []string{"Nothing was changed.", "integrator connections convert Prod --to http --cancel-runs"}},
	} {
		if c.r.code != 1 {
			t.Errorf("connections %s with a queued run: exit %d\n%s", c.what, c.r.code, c.r.stderr)
		}
		for _, want := range append(c.want, `connection "Prod" has 1 queued run that has not ended; each would fail when its next job runs:`,
			"run "+id+": export, export of accounts/"+sim.AccountID+"/campaigns with count=10 with_deleted=true (queued, 0 records so far)",
			"integrator runs wait "+id, "integrator runs cancel "+id) {
			if !strings.Contains(c.r.stderr, want) {
				t.Errorf("connections %s's refusal lacks %q:\n%s", c.what, want, c.r.stderr)
			}
		}
	}
	if r := mustRun(t, home, env, "connections", "show", "Prod"); !strings.Contains(r.stdout, "twitter-ads") {
		t.Errorf("Prod after the refusals:\n%s", r.stdout)
	}

	qWorker(t, home, env)
	if wait := integrator(t, home, env, "runs", "wait", id); wait.code != 0 {
		t.Errorf("runs wait after the refusals: exit %d\n%s", wait.code, wait.stderr)
	}
	if run := qShow(t, home, env, id); run.Outcome != "ok" || run.Records == 0 {
		t.Errorf("the run after the refusals: %+v", run)
	}
	mustRun(t, home, env, "connections", "delete", "Prod", "--yes", "--force")
}

// `connections delete --cancel-runs` deletes the connection, cancelling
// its queued run with it and naming it: the run is stopped, saying why,
// its job cancelled, and a worker sends nothing of it.
func TestConnectionsDeleteCancelRunsCancelsTheQueuedRun(t *testing.T) {
	sim, home, env := qSetup(t, "--campaigns", "30")
	senv, _ := secretEnv(sim)
	mustRun(t, home, append(senv, env...), createArgs(sim, "SimCounts", "--no-test")...)
	id := cpQueue(t, home, env, sim)

	del := mustRun(t, home, env, "connections", "delete", "Prod", "--yes", "--cancel-runs")
	for _, want := range []string{`Deleted connection "Prod".`, "Cancelled with it (--cancel-runs)", "run " + id + ": export, export of accounts/"} {
		if !strings.Contains(del.stderr, want) {
			t.Errorf("connections delete --cancel-runs lacks %q:\n%s", want, del.stderr)
		}
	}
	qWorker(t, home, env)
	wait := integrator(t, home, env, "runs", "wait", id)
	run := qShow(t, home, env, id)
	if wait.code != 1 || run.Outcome != "stopped" || !strings.Contains(run.Error, `cancelled: its connection "Prod" was deleted (--cancel-runs)`) {
		t.Errorf("runs wait: exit %d\n%s\nrun %+v", wait.code, wait.stderr, run)
	}
	if len(run.Jobs) != 1 || run.Jobs[0].State != "cancelled" {
		t.Errorf("the run's jobs: %+v, want one, cancelled", run.Jobs)
	}
	if n, reqs := cpSentTo(t, home, env, "SimCounts"); n != 0 {
		t.Errorf("the simulator received %d requests: %v", n, reqs)
	}
}
