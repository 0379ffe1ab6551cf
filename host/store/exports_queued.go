package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// QueuedExportKey is the run key of a queued run's export checkpoint.
func QueuedExportKey(runID string) string { return "queued:" + runID }

// StartQueuedExport returns the checkpoint of the queued export run r.ID
// (its key QueuedExportKey(r.ID)), recording it at its beginning first
// when there is none. Its pages go to the run's artifacts, not a file.
func (s *Store) StartQueuedExport(ctx context.Context, r ExportRun) (ExportRun, error) {
	key := QueuedExportKey(r.ID)
	err := s.write(ctx, func(tx *sql.Tx) error {
		now := time.Now().UnixNano()
		_, err := tx.ExecContext(ctx, `INSERT INTO export_runs (id, connection_id, run_key, out_path, cursor, byte_offset, records, pages, done, what, started_at, updated_at)
			VALUES (?, ?, ?, '', NULL, 0, 0, 0, 0, ?, ?, ?) ON CONFLICT DO NOTHING`, r.ID, r.ConnectionID, key, r.What, now, now)
		return err
	})
	if err != nil {
		return ExportRun{}, err
	}
	got, err := s.ExportRun(ctx, key)
	if errors.Is(err, ErrNoRun) {
		// Another run has the id under another key: never the case for
		// the random ids of queued runs.
		return got, errors.New("a checkpoint of another run has this queued run's id")
	}
	return got, err
}

// CheckpointExportPage stores a queued export's page as the run's output
// artifact, checkpoints the run (a compare-and-set, as CheckpointExport:
// ErrStaleCheckpoint when the page does not follow the stored one) and
// runs also (when not nil: the queue inserts the continuation there), all
// in one transaction: all of it commits, or nothing does. also may run
// more than once (see AddArtifacts).
func (s *Store) CheckpointExportPage(ctx context.Context, id string, cursor *string, offset, records, pages, total int64, followed []byte,
	page Artifact, also func(*sql.Tx) error) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		// The checkpoint first: a stale page fails on it, before its
		// artifact collides with the one stored by the run that won.
		if err := checkpointExport(ctx, tx, id, cursor, offset, records, pages, total, "", followed); err != nil {
			return err
		}
		if err := addArtifacts(ctx, tx, []Artifact{page}); err != nil {
			return err
		}
		if also != nil {
			return also(tx)
		}
		return nil
	})
}
