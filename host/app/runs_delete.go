package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/openintegrator/integrator/host/store"
	"github.com/openintegrator/integrator/host/store/queue"
)

// DeletedRun is a run DeleteRuns or PruneRuns deleted: its history row,
// its artifacts (Pieces of them, Bytes in all) and, for a queued export,
// its checkpoint. The import ledger and one-process checkpoints are kept.
type DeletedRun = store.DeletedRun

// RunsNotDeletedError refuses runs delete: some ids are unknown, some runs
// are in progress. Nothing was deleted.
type RunsNotDeletedError struct {
	Unknown    []string // ids no run of the history has
	InProgress []string // queued runs queued or running
	Console    []string // console runs running in a live process
	JobsLive   []string // ended runs a job of which still runs
}

func (e *RunsNotDeletedError) Error() string {
	var parts []string
	if len(e.Unknown) > 0 {
		parts = append(parts, fmt.Sprintf("no such run: %s ('integrator runs list' shows the ids)", strings.Join(e.Unknown, ", ")))
	}
	for _, id := range e.InProgress {
		parts = append(parts, fmt.Sprintf("run %s is in progress: cancel it first ('integrator runs cancel %s'), then delete it", id, id))
	}
	for _, id := range e.Console {
		parts = append(parts, fmt.Sprintf("run %s is in progress in a console: stop it there first, then delete it", id))
	}
	for _, id := range e.JobsLive {
		parts = append(parts, fmt.Sprintf("run %s: %v", id, errJobsLive))
	}
	return strings.Join(parts, "; ") + "; nothing was deleted"
}

// errJobsLive refuses to delete a queued run one of whose jobs River may
// still run: a cancelled run's job that runs ends at its next page.
var errJobsLive = errors.New("a job of it is still running (a cancelled run's job stops at its next page): delete it again in a minute")

// DeleteRuns deletes the ended runs ids, each in a transaction of its
// own, and returns what it deleted. Every id is checked first: an unknown
// id or a run in progress (queued or running) refuses them all, naming
// each, and deletes nothing (a *RunsNotDeletedError), so a mistyped id
// never leaves half of a list deleted. A run another process deletes
// meanwhile is not counted.
func (a *App) DeleteRuns(ctx context.Context, ids []string) ([]DeletedRun, error) {
	st, err := a.store(ctx)
	if err != nil {
		return nil, err
	}
	var refused RunsNotDeletedError
	seen := map[string]bool{}
	var todo []string
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		r, err := a.RunStatusOf(ctx, id)
		var nf *RunNotFoundError
		switch {
		case errors.As(err, &nf):
			refused.Unknown = append(refused.Unknown, id)
		case err != nil:
			return nil, err
		case !r.Ended() && !r.Queued:
			refused.Console = append(refused.Console, id)
		case !r.Ended():
			refused.InProgress = append(refused.InProgress, id)
		case jobsLive(r.Jobs):
			refused.JobsLive = append(refused.JobsLive, id)
		default:
			todo = append(todo, id)
		}
	}
	if len(refused.Unknown)+len(refused.InProgress)+len(refused.Console)+len(refused.JobsLive) > 0 {
		return nil, &refused
	}
	var out []DeletedRun
	for _, id := range todo {
		d, err := a.deleteRun(ctx, st, id)
		if errors.Is(err, store.ErrNoRun) {
			continue
		}
		if err != nil {
			return out, err
		}
		out = append(out, d)
	}
	return out, nil
}

// PruneRuns deletes every run of the history that ended more than age
// ago, each in a transaction of its own, and returns what it deleted; a
// run whose jobs still run is skipped (kept says which, and why).
func (a *App) PruneRuns(ctx context.Context, age time.Duration) (deleted []DeletedRun, kept map[string]string, err error) {
	if age < 0 {
		return nil, nil, &InputError{Field: "--older-than", Problem: "give a positive age, e.g. 30d or 12h"}
	}
	st, err := a.store(ctx)
	if err != nil {
		return nil, nil, err
	}
	ids, err := st.EndedRuns(ctx, time.Now().Add(-age))
	if err != nil {
		return nil, nil, err
	}
	for _, id := range ids {
		d, err := a.deleteRun(ctx, st, id)
		var ip *store.RunInProgressError
		switch {
		case errors.Is(err, store.ErrNoRun):
		case errors.Is(err, errJobsLive), errors.As(err, &ip):
			if kept == nil {
				kept = map[string]string{}
			}
			kept[id] = err.Error()
		case err != nil:
			return deleted, kept, err
		default:
			deleted = append(deleted, d)
		}
	}
	return deleted, kept, nil
}

// jobsLive reports whether River may still run one of jobs.
func jobsLive(jobs []RunJob) bool {
	for _, j := range jobs {
		if (queue.Job{State: j.State}).Live() {
			return true
		}
	}
	return false
}

// deleteRun deletes the ended run id (a console run whose process died
// is recorded as stopped first, as runs show says it is); on PostgreSQL, in the same
// transaction, it refuses a queued run one of whose jobs River may still
// run (errJobsLive wrapped).
func (a *App) deleteRun(ctx context.Context, st *store.Store, id string) (DeletedRun, error) {
	var q *queue.Queue
	if st.Backend() == "postgres" {
		var err error
		if _, q, err = a.insertQueue(ctx, "integrator runs delete"); err != nil {
			return DeletedRun{}, err
		}
	}
	if h, err := st.HistoryRun(ctx, id); err == nil && !isQueued(h) && h.Outcome == store.OutcomeRunning {
		if held, err := st.RunHeld(id); err == nil && !held {
			if err := st.EndHistoryRun(ctx, id, store.OutcomeStopped, h.Records, h.Summary, consoleRunDied); err != nil {
				return DeletedRun{}, err
			}
		}
	}
	var hook func(*sql.Tx) error
	if q != nil {
		hook = refuseLiveJobs(ctx, q, id, errJobsLive)
	}
	d, err := st.DeleteRun(ctx, id, hook)
	if errors.Is(err, errJobsLive) {
		return d, fmt.Errorf("run %s: %w", id, err)
	}
	return d, err
}
