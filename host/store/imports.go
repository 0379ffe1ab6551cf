package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// ImportRun is the ledger of one import. RunKey identifies the command and
// its input (the input's content hash among it), so re-running the same
// import finds the ledger and a changed input starts a new one.
type ImportRun struct {
	ID           string
	ConnectionID string
	RunKey       string
	StartedAt    time.Time
	UpdatedAt    time.Time
}

// The states of an import record.
const (
	ImportSending = "sending" // its request is about to be sent or in flight
	ImportOK      = "ok"      // the API applied it
	ImportFailed  = "failed"  // it was not applied
	ImportUnknown = "unknown" // it may or may not have been applied
)

// ImportRecord is the outcome of one input record, by its line number.
type ImportRecord struct {
	Line      int64
	State     string
	Status    int    // the HTTP status, 0 when there was no answer
	CreatedID string // the id the API gave a created entity
	Code      string // an error code: the API's or the connector's
	Message   string
	UpdatedAt time.Time
}

// OpenImportRun returns the run with the given key, creating it (with id)
// when there is none; resumed reports whether it already existed.
func (s *Store) OpenImportRun(ctx context.Context, id, connectionID, runKey string) (run ImportRun, resumed bool, err error) {
	err = s.write(ctx, func(tx *sql.Tx) error {
		var started, updated int64
		err := tx.QueryRowContext(ctx, `SELECT id, connection_id, run_key, started_at, updated_at FROM import_runs WHERE run_key = ?`, runKey).
			Scan(&run.ID, &run.ConnectionID, &run.RunKey, &started, &updated)
		switch {
		case err == nil:
			resumed = true
			run.StartedAt, run.UpdatedAt = time.Unix(0, started), time.Unix(0, updated)
			return nil
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		now := time.Now()
		run = ImportRun{ID: id, ConnectionID: connectionID, RunKey: runKey, StartedAt: now, UpdatedAt: now}
		_, err = tx.ExecContext(ctx, `INSERT INTO import_runs (id, connection_id, run_key, started_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
			id, connectionID, runKey, now.UnixNano(), now.UnixNano())
		return err
	})
	return run, resumed, err
}

// ImportRecords returns every recorded outcome of a run, by line.
func (s *Store) ImportRecords(ctx context.Context, runID string) (map[int64]ImportRecord, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT line, state, status, created_id, code, message, updated_at FROM import_records WHERE run_id = ?`, runID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]ImportRecord{}
	for rows.Next() {
		var r ImportRecord
		var at int64
		if err := rows.Scan(&r.Line, &r.State, &r.Status, &r.CreatedID, &r.Code, &r.Message, &at); err != nil {
			return nil, err
		}
		r.UpdatedAt = time.Unix(0, at)
		out[r.Line] = r
	}
	return out, rows.Err()
}

// RecordImports stores the state of records of a run in one transaction,
// replacing what was recorded for their lines. An import marks a record
// ImportSending before its request, so that a crash from then on leaves
// it "sending" and a later run knows it may have been applied.
func (s *Store) RecordImports(ctx context.Context, runID string, recs []ImportRecord) error {
	if len(recs) == 0 {
		return nil
	}
	return s.write(ctx, func(tx *sql.Tx) error {
		now := time.Now().UnixNano()
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO import_records (run_id, line, state, status, created_id, code, message, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (run_id, line) DO UPDATE SET state = excluded.state, status = excluded.status,
				created_id = excluded.created_id, code = excluded.code, message = excluded.message, updated_at = excluded.updated_at`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, r := range recs {
			if _, err := stmt.ExecContext(ctx, runID, r.Line, r.State, r.Status, r.CreatedID, r.Code, r.Message, now); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `UPDATE import_runs SET updated_at = ? WHERE id = ?`, now, runID)
		return err
	})
}
