package app

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/openintegrator/integrator/host/store"
)

// A connection with a queued run that has not ended is not deleted: the
// refusal names the run (id, kind, what, outcome) and the fixes, nothing
// is deleted, and the run still runs to its end with a worker.
func TestDeleteConnectionRefusesWhileAQueuedRunHasNotEnded(t *testing.T) {
	a, s, st := queueApp(t, "--campaigns", "20")
	ctx := testCtx(t)
	run, err := a.QueueExport(ctx, "Prod", ExportOptions{Path: "accounts/" + s["account_id"] + "/campaigns"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = a.DeleteConnection(ctx, "Prod", true)
	var qe *QueuedRunsError
	if !errors.As(err, &qe) || len(qe.Runs) != 1 || qe.Runs[0].ID != run.ID {
		t.Fatalf("delete with a queued run: %v (%#v)", err, qe)
	}
	for _, want := range []string{`connection "Prod" has 1 queued run that has not ended; each would fail when its next job runs:`,
		"run " + run.ID + ": export, ", "(queued, 0 records so far)", "Nothing was deleted.",
		"integrator runs wait " + run.ID, "integrator runs cancel " + run.ID, "integrator connections delete Prod --cancel-runs"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the refusal lacks %q:\n%v", want, err)
		}
	}
	if _, err := a.Connection(ctx, "Prod"); err != nil {
		t.Fatalf("the refused delete deleted the connection: %v", err)
	}
	startWorkers(t, a, 1)
	if r := waitRun(t, st, run.ID); r.Outcome != store.OutcomeOK || r.Records == 0 {
		t.Errorf("the run after the refused delete: %+v", r)
	}
	if _, err := a.DeleteConnection(ctx, "Prod", true); err != nil {
		t.Errorf("delete once the run ended: %v", err)
	}
}

// With CancelRuns the delete cancels the connection's queued runs in its
// transaction and names them: each is stopped, saying why, its job is
// cancelled, and a worker sends nothing of it.
func TestDeleteConnectionCancelRunsCancelsItsQueuedRuns(t *testing.T) {
	a, e, _ := testApp(t)
	pgStore(t, e)
	ctx := testCtx(t)
	s := startSim(t, "--campaigns", "20")
	create(t, a, e, s, "Prod")
	o := ExportOptions{Path: "accounts/" + s["account_id"] + "/campaigns"}
	r1, err := a.QueueExport(ctx, "Prod", o)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := a.QueueExport(ctx, "Prod", o)
	if err != nil {
		t.Fatal(err)
	}
	create(t, a, e, s, "Counts") // to read the simulator's counters after Prod is gone
	before := sentTo(t, a, "Counts")
	d, err := a.DeleteConnectionWith(ctx, "Prod", DeleteOptions{CancelRuns: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(runIDs(d.Cancelled)); got != fmt.Sprint([]string{r1.ID, r2.ID}) {
		t.Errorf("cancelled %v, want %v", got, []string{r1.ID, r2.ID})
	}
	if _, err := a.Connection(ctx, "Prod"); err == nil {
		t.Error("Prod is still there")
	}
	startWorkers(t, a, 1)
	for _, id := range []string{r1.ID, r2.ID} {
		r, err := a.RunStatusOf(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if r.Outcome != store.OutcomeStopped || !strings.Contains(r.Error, `cancelled: its connection "Prod" was deleted (--cancel-runs)`) {
			t.Errorf("run %s: %+v", id, r)
		}
		if len(r.Jobs) != 1 || r.Jobs[0].State != "cancelled" {
			t.Errorf("run %s's jobs: %+v, want one, cancelled", id, r.Jobs)
		}
	}
	if after := sentTo(t, a, "Counts"); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("the simulator received requests: before %v, after %v", before, after)
	}
}

// A conversion is refused like a delete while a queued run has not ended
// (a dry run names it); with CancelRuns the run is cancelled with it.
func TestConvertConnectionRefusesWhileAQueuedRunHasNotEnded(t *testing.T) {
	ctx := testCtx(t)
	a, e := convertApp(t, pluginType, "http")
	pgStore(t, e)
	s := startSim(t)
	create(t, a, e, s, "Prod")
	run, err := a.QueueExport(ctx, "Prod", ExportOptions{Path: "accounts/" + s["account_id"] + "/campaigns"})
	if err != nil {
		t.Fatal(err)
	}
	dry, err := a.ConvertConnection(ctx, ConvertConnection{Name: "Prod", To: "http", DryRun: true})
	if err != nil || len(dry.Queued) != 1 || dry.Queued[0].ID != run.ID {
		t.Errorf("dry run: %v, queued %+v", err, dry.Queued)
	}
	_, err = a.ConvertConnection(ctx, ConvertConnection{Name: "Prod", To: "http"})
	var qe *QueuedRunsError
	if !errors.As(err, &qe) || !strings.Contains(err.Error(), "Nothing was changed.") ||
		!strings.Contains(err.Error(), "integrator connections convert Prod --to http --cancel-runs") || !strings.Contains(err.Error(), "run "+run.ID) {
		t.Fatalf("convert with a queued run: %v", err)
	}
	if c, _ := a.Connection(ctx, "Prod"); c.Type != pluginType {
		t.Fatalf("the refused conversion changed the type to %s", c.Type)
	}
	got, err := a.ConvertConnection(ctx, ConvertConnection{Name: "Prod", To: "http", CancelRuns: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Cancelled) != 1 || got.Cancelled[0].ID != run.ID {
		t.Errorf("cancelled: %+v", got.Cancelled)
	}
	r, err := a.RunStatusOf(ctx, run.ID)
	if err != nil || r.Outcome != store.OutcomeStopped || !strings.Contains(r.Error, `its connection "Prod" was converted`) ||
		len(r.Jobs) != 1 || r.Jobs[0].State != "cancelled" {
		t.Errorf("the run after convert --cancel-runs: %v %+v", err, r)
	}
}

// On SQLite (no queue, so no queued runs) CancelRuns changes nothing: the
// delete and the conversion go as before, cancelling nothing.
func TestCancelRunsOnSQLiteChangesNothing(t *testing.T) {
	ctx := testCtx(t)
	a, e := convertApp(t, pluginType, "http")
	s := startSim(t)
	create(t, a, e, s, "Prod")
	create(t, a, e, s, "Other")
	got, err := a.ConvertConnection(ctx, ConvertConnection{Name: "Prod", To: "http", CancelRuns: true})
	if err != nil || len(got.Cancelled) != 0 || len(got.Queued) != 0 {
		t.Errorf("convert on SQLite: %v %+v", err, got)
	}
	d, err := a.DeleteConnectionWith(ctx, "Other", DeleteOptions{CancelRuns: true})
	if err != nil || len(d.Cancelled) != 0 {
		t.Errorf("delete on SQLite: %v %+v", err, d)
	}
}

func runIDs(rs []RunStatus) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.ID)
	}
	return out
}
