package app

import (
	"context"
	"database/sql"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/openintegrator/integrator/host/flows"
	"github.com/openintegrator/integrator/host/store"
)

// What the jobs of runs cut into parts (an import's chunks, a report's
// async jobs) share.

// maxJobAttempts is how often a part's job that fails is run before its
// run fails: what a part did is kept (the ledger, the saved job ids), so
// an attempt again costs little, and a failure that outlasts a few
// attempts (the API unreachable, a connection deleted) ends the run
// instead of leaving it running for River's 25 attempts over days.
const maxJobAttempts = 5

// handBack is what a part's job returns when its context ended (the
// worker stops at once, or the job's time is up: a chunk waiting for a
// rate limit's reset, say): it runs again soon, and what it did is kept,
// so it is not counted as a failed attempt (River's snooze), which would
// fail a run that only waited.
func handBack(error) error { return river.JobSnooze(time.Second) }

// runEnded reports whether a run has ended (a cancelled run has): its
// jobs do nothing more.
func runEnded(run store.HistoryRun) bool {
	return run.Outcome != store.OutcomeQueued && run.Outcome != store.OutcomeRunning
}

// start records that a worker started the run.
func (j *Jobs) start(ctx context.Context, runID string) error {
	return j.st.StartQueuedRun(ctx, runID)
}

// failRun ends the run as failed with err, cancelling its other jobs in
// the same transaction, and returns what tells River not to run the job
// again.
func (j *Jobs) failRun(ctx context.Context, job *rivertype.JobRow, runID string, err error) error {
	_, ferr := j.st.EndQueuedRun(context.WithoutCancel(ctx), runID, store.OutcomeFailed, 0, "", err.Error(),
		func(tx *sql.Tx) error { return j.q.CancelRunJobs(context.WithoutCancel(ctx), tx, runID) })
	if ferr != nil {
		return ferr
	}
	return river.JobCancel(err)
}

// withPlugin runs fn with the deps of a flow through the run's
// connection (by its id: see openRunConnection; run as read before the
// job started it): its plugin starts on the first request, and again if
// it dies, and stops when fn returns.
func (j *Jobs) withPlugin(ctx context.Context, run store.HistoryRun, fn func(flows.Deps) error) error {
	svc, c, cfg, err := j.app.openRunConnection(ctx, run)
	if err != nil {
		return err
	}
	p := flows.NewPlugin(func(ctx context.Context) (flows.Conn, error) { return j.app.start(ctx, svc, c, cfg) }, 0)
	defer p.Close()
	// SharedLimits: workers on several machines take each request's unit
	// of the API's rate limit from the store's rows, together.
	return fn(flows.Deps{Plugin: p, Store: svc.Store, ConnectionID: c.ID, ConnectionName: c.Name, OptionName: cliWords, SharedLimits: true})
}

// cliWords names an option as the CLI does, in what a queued run's jobs
// write (its results, its summary): a queued run is queued, followed and
// downloaded with the CLI.
func cliWords(name string) string { return "--" + name }
