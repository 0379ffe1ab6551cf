package e2e

import (
	"database/sql"
	"encoding/json"
	"strings"
	"testing"
)

// A queued run is pinned to the connection it was queued against (by its
// id), not to the name: these tests queue an export while no worker runs,
// change the connection behind the name, and start a worker.

// cpSentTo is how many requests the simulator behind connection conn
// counted, its own counters' requests left out.
func cpSentTo(t *testing.T, home string, env []string, conn string) (int, map[string]int) {
	t.Helper()
	r := mustRun(t, home, env, "api", conn, "sim/counts")
	var c struct {
		Data qwCounts `json:"data"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &c); err != nil {
		t.Fatalf("reading the simulator's counts: %v\n%s", err, r.stdout)
	}
	n := 0
	for route, k := range c.Data.Requests {
		if route != "GET /sim/counts" {
			n += k
		}
	}
	return n, c.Data.Requests
}

// cpQueue queues an export of the simulator's campaigns through Prod with
// --detach (no worker runs) and returns the run's id.
func cpQueue(t *testing.T, home string, env []string, sim simInfo) string {
	t.Helper()
	id := qRunID(t, mustRun(t, home, env, qExportArgs(sim, "10", "--queue", "--detach")...).stdout)
	if run := qShow(t, home, env, id); run.Outcome != "queued" {
		t.Fatalf("before any worker, the run is %q, want queued", run.Outcome)
	}
	return id
}

// cpNewProd creates a connection named Prod to a second simulator and
// returns it.
func cpNewProd(t *testing.T, home string, env []string) simInfo {
	t.Helper()
	sim2 := launchSimulator(t, "--campaigns", "40")
	senv, _ := secretEnv(sim2)
	mustRun(t, home, append(senv, env...), createArgs(sim2, "Prod", "--no-test")...)
	return sim2
}

// cpHidden runs change (a delete or conversion of the connection) with
// run id hidden from its check of the connection's queued runs (which
// refuses them): as a run queued in the moment between that check and
// the change would be.
func cpHidden(t *testing.T, db *sql.DB, id string, change func()) {
	t.Helper()
	if _, err := db.Exec(`UPDATE run_history SET connection_id = 'hidden:' || connection_id WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	change()
	if _, err := db.Exec(`UPDATE run_history SET connection_id = substr(connection_id, 8) WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
}

// A run whose connection was deleted after it was queued fails at once,
// naming the connection and saying that nothing was sent, though another
// connection named Prod (to another API host, with other credentials)
// exists by then: neither simulator receives a request of the run.
func TestQueuedRunOfADeletedConnectionSendsNothing(t *testing.T) {
	sim1, home, env, db := qSetupDB(t, "--campaigns", "30")
	senv1, _ := secretEnv(sim1)
	mustRun(t, home, append(senv1, env...), createArgs(sim1, "Sim1Counts", "--no-test")...)
	id := cpQueue(t, home, env, sim1)
	cpHidden(t, db, id, func() { mustRun(t, home, env, "connections", "delete", "Prod", "--yes") })
	cpNewProd(t, home, env)

	qWorker(t, home, env)
	wait := integrator(t, home, env, "runs", "wait", id)
	run := qShowSettled(t, home, env, id)
	t.Logf("runs wait: exit %d\n%s", wait.code, wait.stderr)
	for _, want := range []string{`the connection "Prod" was deleted after run ` + id + ` was queued`,
		`the connection named "Prod" now is another one, which the run does not use`,
		"nothing of the run was sent", "queue the run again against the connection you mean"} {
		if !strings.Contains(run.Error, want) {
			t.Errorf("the run's error lacks %q:\n%s", want, run.Error)
		}
	}
	if wait.code != 1 || run.Outcome != "failed" || !strings.Contains(wait.stderr, run.Error) {
		t.Errorf("runs wait: exit %d\n%s\nrun %+v", wait.code, wait.stderr, run)
	}
	if len(run.Jobs) != 1 || run.Jobs[0].State != "cancelled" {
		t.Errorf("the run's jobs: %+v, want one, cancelled (not tried again)", run.Jobs)
	}
	if n, reqs := cpSentTo(t, home, env, "Prod"); n != 0 {
		t.Errorf("the new Prod's simulator received %d requests: %v", n, reqs)
	}
	if n, reqs := cpSentTo(t, home, env, "Sim1Counts"); n != 0 {
		t.Errorf("the deleted Prod's simulator received %d requests: %v", n, reqs)
	}
	if r := mustRun(t, home, env, "runs", "show", id); !strings.Contains(r.stdout, "Prod") {
		t.Errorf("runs show does not name the connection it was queued against:\n%s", r.stdout)
	}
}

// A run whose connection was renamed after it was queued runs through it
// (the same connection): to its API host, not to that of a connection
// created since under the old name; runs show names it as when queued.
func TestQueuedRunOfARenamedConnectionRuns(t *testing.T) {
	sim1, home, env, db := qSetupDB(t, "--campaigns", "30")
	id := cpQueue(t, home, env, sim1)
	// No command renames a connection yet; the store's row is what one
	// would change.
	if _, err := db.Exec(`UPDATE connections SET name = 'Renamed', name_key = 'renamed' WHERE name_key = 'prod'`); err != nil {
		t.Fatal(err)
	}
	cpNewProd(t, home, env)

	qWorker(t, home, env)
	wait := integrator(t, home, env, "runs", "wait", id)
	run := qShow(t, home, env, id)
	if wait.code != 0 || run.Outcome != "ok" || run.Records != 30 {
		t.Fatalf("runs wait: exit %d\n%s\nrun %+v", wait.code, wait.stderr, run)
	}
	if n, reqs := cpSentTo(t, home, env, "Prod"); n != 0 {
		t.Errorf("the new Prod's simulator received %d requests: %v", n, reqs)
	}
	if _, reqs := cpSentTo(t, home, env, "Renamed"); reqs["GET /accounts/:account_id/campaigns"] == 0 {
		t.Errorf("the renamed connection's simulator received no export request: %v", reqs)
	}
	if r := mustRun(t, home, env, "runs", "show", id); !strings.Contains(r.stdout, "Prod") {
		t.Errorf("runs show does not name the connection as when queued:\n%s", r.stdout)
	}
}

// A run whose connection was converted to another type after it was
// queued is refused: its path and options were checked for the old type.
func TestQueuedRunOfAConvertedConnectionIsRefused(t *testing.T) {
	sim1, home, env, db := qSetupDB(t, "--campaigns", "30")
	senv1, _ := secretEnv(sim1)
	mustRun(t, home, append(senv1, env...), createArgs(sim1, "Sim1Counts", "--no-test")...)
	id := cpQueue(t, home, env, sim1)
	cpHidden(t, db, id, func() {
		mustRun(t, home, env, "--plugin-dir", httpPluginDir(), "connections", "convert", "Prod", "--to", "http")
	})

	qWorker(t, home, env, "--plugin-dir", httpPluginDir())
	wait := integrator(t, home, env, "runs", "wait", id)
	run := qShow(t, home, env, id)
	if wait.code != 1 || run.Outcome != "failed" {
		t.Fatalf("runs wait: exit %d\n%s\nrun %+v", wait.code, wait.stderr, run)
	}
	for _, want := range []string{`the connection "Prod" was converted from twitter-ads to http after run ` + id + ` was queued`,
		"nothing of the run was sent", "queue the run again"} {
		if !strings.Contains(run.Error, want) {
			t.Errorf("the run's error lacks %q:\n%s", want, run.Error)
		}
	}
	// The conversion tested the connection: only the export is counted.
	if _, reqs := cpSentTo(t, home, env, "Sim1Counts"); reqs["GET /accounts/:account_id/campaigns"] != 0 {
		t.Errorf("the simulator received export requests: %v", reqs)
	}
}
