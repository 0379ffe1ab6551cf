package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// ErrNoRun is returned when no export or report run has the given key.
var ErrNoRun = errors.New("no such run")

// ErrStaleCheckpoint is returned by a checkpoint that does not follow the
// one the store holds: another process moved the run on (or back to its
// start) since this one read it. Nothing is changed: a stale worker can
// never rewind a run.
var ErrStaleCheckpoint = errors.New("the run's checkpoint moved since this process read it: another process is running it")

// ExportRun is the checkpoint of one export: how much of the output file
// is durable and where the next page starts. RunKey identifies the
// command (connection, path, parameters, output), so running the same
// command again finds it.
type ExportRun struct {
	ID           string
	ConnectionID string
	RunKey       string
	OutPath      string
	// Cursor is where the next page starts; nil before the first page and
	// after the last one (Pages tells the two apart).
	Cursor  *string
	Offset  int64 // bytes of the output file that hold whole, synced pages
	Records int64
	Pages   int64
	Total   int64 // the API's total_count, -1 when it gave none
	Done    bool  // the output file is complete and in place
	// Digest is the SHA-256 (hex) of the output file's first Offset
	// bytes, so that a resumed run can prove the file is the one it
	// wrote; "" in checkpoints older than that.
	Digest    string
	What      string // the command, for people
	StartedAt time.Time
	UpdatedAt time.Time
}

// Complete reports whether every page is in the output file: the last page
// was written, whether or not the file has been put in place yet.
func (r ExportRun) Complete() bool { return r.Done || (r.Pages > 0 && r.Cursor == nil) }

// ExportRun returns the run with the given key, or ErrNoRun.
func (s *Store) ExportRun(ctx context.Context, runKey string) (ExportRun, error) {
	var r ExportRun
	var cursor sql.NullString
	var started, updated int64
	err := s.db.QueryRowContext(ctx, `SELECT id, connection_id, run_key, out_path, cursor, byte_offset, records, pages, total, done, digest, what, started_at, updated_at
		FROM export_runs WHERE run_key = ?`, runKey).Scan(&r.ID, &r.ConnectionID, &r.RunKey, &r.OutPath, &cursor,
		&r.Offset, &r.Records, &r.Pages, &r.Total, &r.Done, &r.Digest, &r.What, &started, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return r, ErrNoRun
	}
	if err != nil {
		return r, err
	}
	if cursor.Valid {
		r.Cursor = &cursor.String
	}
	r.StartedAt, r.UpdatedAt = time.Unix(0, started), time.Unix(0, updated)
	return r, nil
}

// StartExportRun records a new run at its beginning, replacing any run
// with the same key in the same transaction.
func (s *Store) StartExportRun(ctx context.Context, r ExportRun) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM export_runs WHERE run_key = ?`, r.RunKey); err != nil {
			return err
		}
		now := time.Now().UnixNano()
		_, err := tx.ExecContext(ctx, `INSERT INTO export_runs (id, connection_id, run_key, out_path, cursor, byte_offset, records, pages, done, what, started_at, updated_at)
			VALUES (?, ?, ?, ?, NULL, 0, 0, 0, 0, ?, ?, ?)`, r.ID, r.ConnectionID, r.RunKey, r.OutPath, r.What, now, now)
		return err
	})
}

// CheckpointExport records that the output file holds offset bytes of
// whole pages (records and pages in all), that the next page starts at
// cursor (nil: there is none), the API's total count (-1: unknown), and
// the SHA-256 of those bytes; followed, when not nil, is a hash of cursor
// to remember as followed (see ExportCursors). Call it only after the
// bytes are synced.
//
// It is a compare-and-set: the page must be the one after the store's
// (pages = the stored pages + 1), else it changes nothing and returns
// ErrStaleCheckpoint.
func (s *Store) CheckpointExport(ctx context.Context, id string, cursor *string, offset, records, pages, total int64, digest string, followed []byte) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		return checkpointExport(ctx, tx, id, cursor, offset, records, pages, total, digest, followed)
	})
}

func checkpointExport(ctx context.Context, tx *sql.Tx, id string, cursor *string, offset, records, pages, total int64, digest string, followed []byte) error {
	res, err := tx.ExecContext(ctx, `UPDATE export_runs SET cursor = ?, byte_offset = ?, records = ?, pages = ?, total = ?, digest = ?, updated_at = ?
		WHERE id = ? AND pages = ? AND done = 0`,
		nullString(cursor), offset, records, pages, total, digest, time.Now().UnixNano(), id, pages-1)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		var exists int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM export_runs WHERE id = ?`, id).Scan(&exists); err != nil {
			return err
		}
		if exists == 0 {
			return fmt.Errorf("export run %s: %w", id, ErrNoRun)
		}
		return fmt.Errorf("export run %s, page %d: %w", id, pages, ErrStaleCheckpoint)
	}
	if followed == nil {
		return nil
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO export_cursors (run_id, hash) VALUES (?, ?) ON CONFLICT DO NOTHING`, id, followed)
	return err
}

// ExportCursors returns the hashes of the cursors a run's checkpoints
// recorded as followed.
func (s *Store) ExportCursors(ctx context.Context, id string) ([][]byte, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT hash FROM export_cursors WHERE run_id = ?`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][]byte
	for rows.Next() {
		var h []byte
		if err := rows.Scan(&h); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// FinishExportRun marks a run done: its output file is complete and in place.
func (s *Store) FinishExportRun(ctx context.Context, id string) error {
	return s.updateExport(ctx, `UPDATE export_runs SET done = 1, cursor = NULL, updated_at = ? WHERE id = ?`, time.Now().UnixNano(), id)
}

// DeleteExportRun forgets the run with the given key, if there is one.
func (s *Store) DeleteExportRun(ctx context.Context, runKey string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM export_runs WHERE run_key = ?`, runKey)
		return err
	})
}

func (s *Store) updateExport(ctx context.Context, query string, args ...any) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, query, args...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("export run %s: %w", args[len(args)-1], ErrNoRun)
		}
		return nil
	})
}

func nullString(s *string) sql.NullString {
	if s == nil {
		return sql.NullString{}
	}
	return sql.NullString{String: *s, Valid: true}
}
