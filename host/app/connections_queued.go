package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/openintegrator/integrator/host/store"
	"github.com/openintegrator/integrator/host/store/queue"
)

// A queued run is pinned to its connection's id (see queued_conn.go): a
// job of it that runs after the connection was deleted or converted fails
// the run. So deleting or converting a connection with queued runs that
// have not ended is refused (a *QueuedRunsError naming them), unless the
// caller asks to cancel them: then they are cancelled as `runs cancel`
// does (the run stopped, its waiting jobs cancelled) in the same
// transaction as the delete or conversion. The runs are read again in
// that transaction, so a run queued between the first look and the change
// is refused or cancelled as well; one queued after the transaction's own
// read (PostgreSQL reads what was committed when each statement starts)
// fails at its first job, before any request is sent (the pinned check).
// SQLite stores have no queue, hence no queued runs: nothing changes there.

// QueuedRunsError refuses to delete or convert a connection that queued
// runs which have not ended are pinned to: each would fail when its next
// job runs. Nothing was changed.
type QueuedRunsError struct {
	Name       string
	Runs       []RunStatus
	Converting bool   // the refusal is of a conversion, not a delete
	To         string // the type of the conversion refused
}

func (e *QueuedRunsError) Error() string {
	done, do, noun, flag := "deleted", "delete", "delete", "integrator connections delete "+quoteArg(e.Name)+" --cancel-runs"
	if e.Converting {
		done, do, noun, flag = "changed", "convert", "conversion", "integrator connections convert "+quoteArg(e.Name)+" --to "+quoteArg(e.To)+" --cancel-runs"
	}
	var b strings.Builder
	for _, r := range e.Runs {
		fmt.Fprintf(&b, "\n  - %s", DescribeRun(r))
	}
	id, have := "ID", "have"
	if len(e.Runs) == 1 {
		id, have = e.Runs[0].ID, "has"
	}
	return fmt.Sprintf("connection %q has %s that %s not ended; each would fail when its next job runs:%s\n"+
		"Nothing was %s. Wait for them to end (integrator runs wait %s) or cancel them (integrator runs cancel %s), then %s the connection; "+
		"or cancel them together with the %s (%s)",
		e.Name, plural(len(e.Runs), "queued run"), have, b.String(), done, id, id, do, noun, flag)
}

// DescribeRun is a queued run on one line: id, kind, what, outcome and
// progress.
func DescribeRun(r RunStatus) string {
	what := r.What
	if what == "" {
		what = r.Kind
	}
	progress := plural(int(r.Records), "record")
	if r.Pages > 0 {
		progress += ", " + plural(int(r.Pages), "page")
	}
	return fmt.Sprintf("run %s: %s, %s (%s, %s so far)", r.ID, r.Kind, what, r.Outcome, progress)
}

// quoteArg quotes a connection name for a command line when it needs it.
func quoteArg(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\"'\\$`;&|<>()*?[]#~!{}") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// queuedRunsOf returns the connection's queued runs that have not ended
// (by its id), with their progress; none on a store without a queue.
func (a *App) queuedRunsOf(ctx context.Context, st *store.Store, connectionID string) ([]RunStatus, error) {
	if st.Backend() != "postgres" {
		return nil, nil
	}
	hs, err := st.UnendedRunsOf(ctx, nil, connectionID)
	if err != nil {
		return nil, err
	}
	var out []RunStatus
	for _, h := range hs {
		if !isQueued(h) {
			continue // a console run: its lease says whether it runs
		}
		r, err := a.runStatus(ctx, st, h)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// runsGuard is the store.ConnGuard of a delete (or, converting, a
// conversion) of connection name, whose queued runs that have not ended
// were seen as seen: it refuses them, or when cancel is true ends each as
// stopped and cancels its waiting jobs, and records those it cancelled in
// *cancelled. nil on a store without a queue.
func (a *App) runsGuard(ctx context.Context, st *store.Store, name, to string, seen []RunStatus, converting, cancel bool, cancelled *[]RunStatus) (store.ConnGuard, error) {
	if st.Backend() != "postgres" {
		return nil, nil
	}
	cmd, why := "integrator connections delete", fmt.Sprintf("cancelled: its connection %q was deleted (--cancel-runs)", name)
	if converting {
		cmd, why = "integrator connections convert", fmt.Sprintf("cancelled: its connection %q was converted (--cancel-runs)", name)
	}
	var q *queue.Queue
	if cancel {
		var err error
		if _, q, err = a.insertQueue(ctx, cmd+" --cancel-runs"); err != nil && len(seen) > 0 {
			return nil, err
		}
	}
	progress := map[string]RunStatus{}
	for _, r := range seen {
		progress[r.ID] = r
	}
	return func(tx *sql.Tx, connectionID string) error {
		*cancelled = (*cancelled)[:0]
		hs, err := st.UnendedRunsOf(ctx, tx, connectionID)
		if err != nil {
			return err
		}
		var runs []RunStatus
		for _, h := range hs {
			if !isQueued(h) {
				continue
			}
			r, ok := progress[h.ID]
			if !ok {
				// Queued since the first look: as the history holds it.
				r = RunStatus{ID: h.ID, Kind: h.Kind, Connection: h.Connection, What: h.What, Queued: true, Outcome: h.Outcome, Records: h.Records}
			}
			runs = append(runs, r)
		}
		if len(runs) == 0 {
			return nil
		}
		if !cancel {
			return &QueuedRunsError{Name: name, Runs: runs, Converting: converting, To: to}
		}
		if q == nil {
			return errors.New("the queue could not be opened to cancel the connection's queued runs: nothing was changed")
		}
		for _, r := range runs {
			ended, err := store.EndQueuedRunTx(ctx, tx, r.ID, store.OutcomeStopped, r.Records, "", why)
			if err != nil {
				return err
			}
			if !ended {
				continue // it ended in the meantime
			}
			if err := q.CancelRunJobs(ctx, tx, r.ID); err != nil {
				return err
			}
			r.Outcome, r.Error = store.OutcomeStopped, why
			*cancelled = append(*cancelled, r)
		}
		return nil
	}, nil
}
