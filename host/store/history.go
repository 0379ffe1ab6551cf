package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// The outcomes of a run in the history.
const (
	OutcomeRunning = "running"
	OutcomeOK      = "ok"
	OutcomeFailed  = "failed"
	OutcomeStopped = "stopped"
)

// HistoryRun is a run in the history: a run a front end started in the
// background, what it was given and how it ended.
type HistoryRun struct {
	ID           string
	Kind         string // export, import or report
	ConnectionID string
	Connection   string // the connection's name when the run started
	What         string // what the run does, for people
	Options      string // the run's options as JSON, to resume it with
	Outcome      string // OutcomeRunning, OutcomeOK, OutcomeFailed or OutcomeStopped
	Records      int64
	Summary      string // what it did, for people
	Error        string // why it failed or stopped
	Attempts     int    // 1, and one more for each resume
	StartedAt    time.Time
	EndedAt      time.Time // zero while it runs
}

// AddHistoryRun records a run that starts now.
func (s *Store) AddHistoryRun(ctx context.Context, r HistoryRun) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO run_history (id, kind, connection_id, connection, what, options, outcome, attempts, started_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)`, r.ID, r.Kind, r.ConnectionID, r.Connection, r.What, r.Options, OutcomeRunning, r.StartedAt.UnixNano())
		return err
	})
}

// ResumeHistoryRun records that the run starts again: it is running once
// more, with one more attempt and options (its options for this attempt).
func (s *Store) ResumeHistoryRun(ctx context.Context, id, options string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE run_history SET outcome = ?, options = ?, error = '', summary = '', ended_at = NULL, attempts = attempts + 1
			WHERE id = ?`, OutcomeRunning, options, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("run %s: %w", id, ErrNoRun)
		}
		return nil
	})
}

// EndHistoryRun records how the run ended.
func (s *Store) EndHistoryRun(ctx context.Context, id, outcome string, records int64, summary, errText string) error {
	return s.EndHistoryRunTx(ctx, id, outcome, records, summary, errText, nil)
}

// EndHistoryRunTx is EndHistoryRun with also (when not nil) run in the
// same transaction after it (the queue cancels the run's jobs there). It
// may run more than once (see AddArtifacts).
func (s *Store) EndHistoryRunTx(ctx context.Context, id, outcome string, records int64, summary, errText string, also func(*sql.Tx) error) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE run_history SET outcome = ?, records = ?, summary = ?, error = ?, ended_at = ? WHERE id = ?`,
			outcome, records, summary, errText, time.Now().UnixNano(), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("run %s: %w", id, ErrNoRun)
		}
		if also != nil {
			return also(tx)
		}
		return nil
	})
}

// HistoryRun returns the run with the given id, or ErrNoRun.
func (s *Store) HistoryRun(ctx context.Context, id string) (HistoryRun, error) {
	r, err := scanHistory(s.db.QueryRowContext(ctx, `SELECT `+historyColumns+` FROM run_history WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, ErrNoRun
	}
	return r, err
}

// HistoryRuns returns the latest limit runs of the history, newest first.
func (s *Store) HistoryRuns(ctx context.Context, limit int) ([]HistoryRun, error) {
	return historyRows(s.db.QueryContext(ctx, `SELECT `+historyColumns+` FROM run_history ORDER BY started_at DESC, id LIMIT ?`, limit))
}

// historyRows reads the runs of a query of historyColumns and closes it.
func historyRows(rows *sql.Rows, err error) ([]HistoryRun, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []HistoryRun
	for rows.Next() {
		r, err := scanHistory(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

const historyColumns = `id, kind, connection_id, connection, what, options, outcome, records, summary, error, attempts, started_at, ended_at`

func scanHistory(r interface{ Scan(...any) error }) (HistoryRun, error) {
	var h HistoryRun
	var started int64
	var ended sql.NullInt64
	err := r.Scan(&h.ID, &h.Kind, &h.ConnectionID, &h.Connection, &h.What, &h.Options, &h.Outcome, &h.Records, &h.Summary, &h.Error,
		&h.Attempts, &started, &ended)
	h.StartedAt = time.Unix(0, started)
	if ended.Valid {
		h.EndedAt = time.Unix(0, ended.Int64)
	}
	return h, err
}

// RunHold says that a run of the history is in progress in this process.
// It is the lock of a lease (the dialect's): on SQLite an flock on a file
// under the home folder's locks/, which the kernel releases when the
// process ends; on PostgreSQL a session advisory lock on a connection of
// its own, which the server releases when that connection ends. Either way
// it ends however the process ends, and on PostgreSQL every machine sharing
// the store sees it, so none takes a live run elsewhere for one that ended.
type RunHold struct{ unlock func() }

// HoldRun takes the hold of the run id, without waiting; a *BusyError
// while another process (or another hold in this one) has it.
func (s *Store) HoldRun(id string) (*RunHold, error) {
	unlock, err := s.d.tryLock(context.Background(), historyKey(id))
	if err != nil {
		if errors.Is(err, errLocked) {
			return nil, &BusyError{}
		}
		return nil, err
	}
	return &RunHold{unlock: unlock}, nil
}

// Release gives the hold up.
func (h *RunHold) Release() {
	if h != nil && h.unlock != nil {
		h.unlock()
		h.unlock = nil
	}
}

// RunHeld reports whether a live process holds the run id: a run whose
// history says it is running and that no process holds ended with the
// process that ran it.
func (s *Store) RunHeld(id string) (bool, error) {
	return s.d.held(context.Background(), historyKey(id))
}

func historyKey(id string) string { return "history:" + id }

// OutcomeQueued is the outcome of a queued run no worker has started.
const OutcomeQueued = "queued"

// QueueRun records a queued run (outcome queued), with also (when not
// nil) run in the same transaction after it: the queue package inserts
// the run's first job there, so a run is never queued without its job
// nor a job without its run. also may run more than once (see
// AddArtifacts), so it must do nothing outside tx.
func (s *Store) QueueRun(ctx context.Context, r HistoryRun, also func(*sql.Tx) error) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO run_history (id, kind, connection_id, connection, what, options, outcome, attempts, started_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)`, r.ID, r.Kind, r.ConnectionID, r.Connection, r.What, r.Options, OutcomeQueued, r.StartedAt.UnixNano())
		if err != nil || also == nil {
			return err
		}
		return also(tx)
	})
}
