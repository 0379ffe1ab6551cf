package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/openintegrator/integrator/host/store"
	"github.com/openintegrator/integrator/host/store/queue"
)

// A queued run whose jobs can no longer run ends as failed: River
// discards a job after its last attempt (a job that kept failing or
// running out of time), and its rescuer discards a job whose worker died
// while it ran its last attempt, without running it. Nothing of ours runs
// then, so the run is ended by whoever next looks at it: every worker
// (when it starts, and every deadRunsEvery), and runs show, wait and list
// when they read it. Several may at once: the end is a compare-and-set on
// the run's outcome (see store.EndQueuedRun), made in a transaction that
// first counts the run's live jobs again, so exactly one ends it, never a
// run that ended (cancelled, ok) nor one with a job River may still run.

// deadRunsEvery is how often a worker looks for queued runs whose jobs can
// no longer run.
var deadRunsEvery = time.Minute

// rescuedError is the error River's rescuer records for a job whose
// worker stopped answering while it ran.
const rescuedError = "Stuck job rescued by JobRescuer"

// errRunAlive rolls back the end of a run that has a live job after all.
var errRunAlive = errors.New("the run has a job River may still run")

// refuseLiveJobs is a store transaction's hook that fails with refusal
// when River may still run a job of the run id, counted in that
// transaction.
func refuseLiveJobs(ctx context.Context, q *queue.Queue, id string, refusal error) func(*sql.Tx) error {
	return func(tx *sql.Tx) error {
		n, err := q.LiveRunJobs(ctx, tx, id)
		if err == nil && n > 0 {
			err = refusal
		}
		return err
	}
}

// deadJob returns the job that ended jobs' run when none of them can run
// any more and one was discarded (the last discarded one); ok is false
// while a job may still run, or when none was discarded.
func deadJob(jobs []queue.Job) (j queue.Job, ok bool) {
	for _, x := range jobs {
		if x.Live() {
			return queue.Job{}, false
		}
		if x.State == "discarded" {
			j, ok = x, true
		}
	}
	return j, ok
}

// deadRunError is what a run whose job j was discarded failed with: which
// job, after how many attempts, its last error as River recorded it, and
// what to do.
func deadRunError(kind string, j queue.Job) string {
	last := j.Error
	switch last {
	case "":
		last = "none recorded"
	case rescuedError:
		last += " (its worker stopped answering while it ran: killed, or cut off from the store)"
	}
	s := fmt.Sprintf("its %s job %d was given up after %d of %d attempts; its last error: %s. Nothing more runs for this run: ",
		j.Kind, j.ID, j.Attempt, j.MaxAttempts, last)
	switch kind {
	case "import":
		s += "fix the cause, then run the same import again with --queue (a new run): the import ledger is kept, so records already sent are skipped, never sent twice"
	case "export":
		s += "fix the cause, then run the same export again with --queue (a new run, from the first page); the pages this run stored are kept: 'integrator runs download' writes them"
	default:
		s += fmt.Sprintf("fix the cause, then run the same %s again with --queue (a new run); what this run stored is kept: 'integrator runs download' writes it", kind)
	}
	return s
}

// endIfDead ends the queued run r, which has not ended, as failed when
// jobs (its jobs, as just read) can no longer run; ended says whether
// this call ended it.
func (a *App) endIfDead(ctx context.Context, st *store.Store, q *queue.Queue, r RunStatus, jobs []queue.Job) (ended bool, err error) {
	j, ok := deadJob(jobs)
	if !ok {
		return false, nil
	}
	ended, err = st.EndQueuedRun(ctx, r.ID, store.OutcomeFailed, r.Records, "", deadRunError(r.Kind, j), refuseLiveJobs(ctx, q, r.ID, errRunAlive))
	if errors.Is(err, errRunAlive) {
		return false, nil
	}
	return ended, err
}

// EndDeadRuns ends every queued run none of whose jobs can run any more
// (one was discarded) as failed, saying why and what to do, and returns
// the ids of those it ended (those another process ended first are not).
// Workers do the same when they start and every deadRunsEvery
// (sweepDeadRuns); runs show, wait and list for the runs they read.
func (a *App) EndDeadRuns(ctx context.Context) ([]string, error) {
	st, q, err := a.insertQueue(ctx, "integrator worker")
	if err != nil {
		return nil, err
	}
	return a.endDeadRuns(ctx, st, q)
}

func (a *App) endDeadRuns(ctx context.Context, st *store.Store, q *queue.Queue) ([]string, error) {
	runs, err := st.UnendedRuns(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, h := range runs {
		if !isQueued(h) {
			continue
		}
		jobs, err := q.RunJobs(ctx, h.ID)
		if err != nil {
			return out, err
		}
		if _, ok := deadJob(jobs); !ok {
			continue
		}
		r, err := a.runStatus(ctx, st, h)
		if err != nil {
			return out, err
		}
		ended, err := a.endIfDead(ctx, st, q, r, jobs)
		if err != nil {
			return out, err
		}
		if ended {
			out = append(out, h.ID)
		}
	}
	return out, nil
}

// endListedDeadRuns ends the queued runs of hs (a list being shown) that
// have not ended and whose jobs can no longer run, on PostgreSQL; it
// reports whether it ended one. A list is shown even if this fails: the
// workers look again.
func (a *App) endListedDeadRuns(ctx context.Context, st *store.Store, hs []store.HistoryRun) bool {
	if st.Backend() != "postgres" {
		return false
	}
	open := false
	for _, h := range hs {
		if isQueued(h) && !runEnded(h) {
			open = true
			break
		}
	}
	if !open {
		return false
	}
	_, q, err := a.insertQueue(ctx, "integrator runs list")
	if err != nil {
		return false
	}
	ended, _ := a.endDeadRuns(ctx, st, q)
	return len(ended) > 0
}

// sweepDeadRuns ends the queued runs whose jobs can no longer run now and
// every deadRunsEvery until ctx ends, noting each it ended (a worker runs
// it).
func (a *App) sweepDeadRuns(ctx context.Context, st *store.Store, q *queue.Queue, note func(string, ...any)) {
	t := time.NewTicker(deadRunsEvery)
	defer t.Stop()
	for {
		ids, err := a.endDeadRuns(ctx, st, q)
		for _, id := range ids {
			note("run %s failed: a job of it was given up after its last attempt ('integrator runs show %s' says which, and why)", id, id)
		}
		if err != nil && ctx.Err() == nil {
			note("looking for runs whose jobs can no longer run: %v (again in %s)", err, deadRunsEvery)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
