package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// RunInProgressError refuses to delete a run that has not ended: its
// workers (or its process) still write its rows.
type RunInProgressError struct {
	ID      string
	Outcome string // queued or running
}

func (e *RunInProgressError) Error() string {
	return fmt.Sprintf("run %s is %s", e.ID, e.Outcome)
}

// DeletedRun is a run DeleteRun deleted, and how much of the store it
// gave back.
type DeletedRun struct {
	ID      string
	Kind    string
	Outcome string
	Pieces  int64 // artifact pieces deleted
	Bytes   int64 // their bytes
}

// DeleteRun deletes the run id of the history, which must have ended,
// with what only it used: its artifacts (a queued run's input, output,
// results, errors and the state of its parts) and a queued export's
// checkpoint (no run continues it: a queued run never runs again once it
// ended). It keeps what other runs use: the import ledger (a new import
// of the same records skips those sent, and never sends one twice) and a
// one-process run's checkpoints (the same command with --resume goes on
// from them). also (when not nil) runs in the same transaction first,
// and may refuse (the queue refuses a run whose jobs still run); it may
// run more than once (see AddArtifacts). ErrNoRun when there is no such
// run; a *RunInProgressError, changing nothing, when it has not ended.
func (s *Store) DeleteRun(ctx context.Context, id string, also func(*sql.Tx) error) (DeletedRun, error) {
	var d DeletedRun
	err := s.write(ctx, func(tx *sql.Tx) error {
		d = DeletedRun{ID: id}
		err := tx.QueryRowContext(ctx, `SELECT kind, outcome FROM run_history WHERE id = ?`, id).Scan(&d.Kind, &d.Outcome)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("run %s: %w", id, ErrNoRun)
		}
		if err != nil {
			return err
		}
		if d.Outcome == OutcomeQueued || d.Outcome == OutcomeRunning {
			return &RunInProgressError{ID: id, Outcome: d.Outcome}
		}
		if also != nil {
			if err := also(tx); err != nil {
				return err
			}
		}
		if err := tx.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(length(data)), 0) FROM run_artifacts WHERE run_id = ?`, id).
			Scan(&d.Pieces, &d.Bytes); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM run_artifacts WHERE run_id = ?`, id); err != nil {
			return err
		}
		key := QueuedExportKey(id)
		if _, err := tx.ExecContext(ctx, `DELETE FROM export_cursors WHERE run_id IN (SELECT id FROM export_runs WHERE run_key = ?)`, key); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM export_runs WHERE run_key = ?`, key); err != nil {
			return err
		}
		// A compare-and-set: a run that is not ended (a console run
		// resumed meanwhile) is never deleted.
		res, err := tx.ExecContext(ctx, `DELETE FROM run_history WHERE id = ? AND outcome NOT IN (?, ?)`, id, OutcomeQueued, OutcomeRunning)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return &RunInProgressError{ID: id, Outcome: OutcomeRunning}
		}
		return nil
	})
	return d, err
}

// EndedRuns returns the ids of the runs of the history that ended before
// t, oldest first.
func (s *Store) EndedRuns(ctx context.Context, before time.Time) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id FROM run_history WHERE outcome NOT IN (?, ?) AND ended_at IS NOT NULL AND ended_at < ?
		ORDER BY ended_at, id`, OutcomeQueued, OutcomeRunning, before.UnixNano())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
