package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// StartQueuedRun records that a worker started the queued run id: its
// outcome goes from queued to running (a run already running, or ended,
// is left as it is).
func (s *Store) StartQueuedRun(ctx context.Context, id string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE run_history SET outcome = ? WHERE id = ? AND outcome = ?`, OutcomeRunning, id, OutcomeQueued)
		return err
	})
}

// EndQueuedRun records how a queued run ended, unless it ended already
// (the first end recorded stays: a run cancelled while its last page was
// stored stays stopped), with also (when not nil) in the same
// transaction, only when it recorded the end; ended says whether it did.
// ErrNoRun when there is no such run. also may run more than once (see
// AddArtifacts).
func (s *Store) EndQueuedRun(ctx context.Context, id, outcome string, records int64, summary, errText string, also func(*sql.Tx) error) (ended bool, err error) {
	err = s.write(ctx, func(tx *sql.Tx) error {
		var err error
		if ended, err = EndQueuedRunTx(ctx, tx, id, outcome, records, summary, errText); err != nil || !ended {
			return err
		}
		if also != nil {
			return also(tx)
		}
		return nil
	})
	return ended, err
}

// EndQueuedRunTx is EndQueuedRun inside the caller's transaction tx (of
// a ConnGuard, say), without its also.
func EndQueuedRunTx(ctx context.Context, tx *sql.Tx, id, outcome string, records int64, summary, errText string) (ended bool, err error) {
	res, err := tx.ExecContext(ctx, `UPDATE run_history SET outcome = ?, records = ?, summary = ?, error = ?, ended_at = ?
		WHERE id = ? AND outcome IN (?, ?)`,
		outcome, records, summary, errText, time.Now().UnixNano(), id, OutcomeQueued, OutcomeRunning)
	if err != nil {
		return false, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		var exists int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM run_history WHERE id = ?`, id).Scan(&exists); err != nil {
			return false, err
		}
		if exists == 0 {
			return false, fmt.Errorf("run %s: %w", id, ErrNoRun)
		}
		return false, nil
	}
	return true, nil
}

// UnendedRunsOf returns the runs of the history against the connection
// of id (by id: not one of another connection that took its name) that
// have not ended, oldest first. In tx when tx is not nil (a ConnGuard's).
func (s *Store) UnendedRunsOf(ctx context.Context, tx *sql.Tx, connectionID string) ([]HistoryRun, error) {
	q := `SELECT ` + historyColumns + ` FROM run_history WHERE connection_id = ? AND outcome IN (?, ?) ORDER BY started_at, id`
	if tx != nil {
		return historyRows(tx.QueryContext(ctx, q, connectionID, OutcomeQueued, OutcomeRunning))
	}
	return historyRows(s.db.QueryContext(ctx, q, connectionID, OutcomeQueued, OutcomeRunning))
}

// UnendedRuns returns the runs of the history that have not ended
// (queued or running; the console's as well as queued ones), oldest
// first.
func (s *Store) UnendedRuns(ctx context.Context) ([]HistoryRun, error) {
	return historyRows(s.db.QueryContext(ctx, `SELECT `+historyColumns+` FROM run_history WHERE outcome IN (?, ?) ORDER BY started_at, id`,
		OutcomeQueued, OutcomeRunning))
}
