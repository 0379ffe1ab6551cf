package store

import (
	"context"
	"database/sql"
	"io"
)

// The names of a queued run's artifacts.
const (
	ArtifactOutput  = "output"  // an export's pages, a report's rows (seq = page or job)
	ArtifactInput   = "input"   // an import's uploaded input, in pieces split at line ends
	ArtifactResults = "results" // an import chunk's result lines (seq = chunk)
	ArtifactErrors  = "errors"  // an import chunk's error lines (seq = chunk)
)

// An Artifact is one piece of a queued run's output or input, kept in the
// store so that every worker and every machine reads the same bytes.
// A run's pieces of one name, in seq order, are the whole artifact.
type Artifact struct {
	RunID   string
	Name    string
	Seq     int64
	Data    []byte
	Records int64 // records (lines) in Data, for progress
}

// ArtifactTotals is how much of a run's artifact the store holds.
type ArtifactTotals struct {
	Pieces  int64
	Bytes   int64
	Records int64
}

// AddArtifacts stores pieces in one write transaction, with also (when
// not nil) run in the same transaction after them: both commit or
// neither does. A piece whose (run, name, seq) is already stored fails
// the whole write. also may run more than once (a write that loses a
// conflict on PostgreSQL runs again from its start), so it must do
// nothing outside tx.
func (s *Store) AddArtifacts(ctx context.Context, pieces []Artifact, also func(*sql.Tx) error) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		if err := addArtifacts(ctx, tx, pieces); err != nil {
			return err
		}
		if also != nil {
			return also(tx)
		}
		return nil
	})
}

func addArtifacts(ctx context.Context, tx *sql.Tx, pieces []Artifact) error {
	for _, a := range pieces {
		data := a.Data
		if data == nil {
			data = []byte{}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO run_artifacts (run_id, name, seq, data, records) VALUES (?, ?, ?, ?, ?)`,
			a.RunID, a.Name, a.Seq, data, a.Records); err != nil {
			return err
		}
	}
	return nil
}

// WriteArtifact writes the pieces of a run's artifact name to w,
// concatenated in seq order, reading one piece at a time, and returns
// what it wrote. A run without such pieces writes nothing.
func (s *Store) WriteArtifact(ctx context.Context, runID, name string, w io.Writer) (ArtifactTotals, error) {
	var t ArtifactTotals
	// One piece per query, so that a slow w holds no query open and the
	// memory used is one piece's.
	next := int64(-1) << 62
	for {
		var data []byte
		var records int64
		err := s.db.QueryRowContext(ctx, `SELECT seq, data, records FROM run_artifacts WHERE run_id = ? AND name = ? AND seq > ? ORDER BY seq LIMIT 1`,
			runID, name, next).Scan(&next, &data, &records)
		if err == sql.ErrNoRows {
			return t, nil
		}
		if err != nil {
			return t, err
		}
		if _, err := w.Write(data); err != nil {
			return t, err
		}
		t.Pieces++
		t.Bytes += int64(len(data))
		t.Records += records
	}
}

// ArtifactTotals returns how much of a run's artifact name the store holds.
func (s *Store) ArtifactTotals(ctx context.Context, runID, name string) (ArtifactTotals, error) {
	var t ArtifactTotals
	err := s.db.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(length(data)), 0), coalesce(sum(records), 0) FROM run_artifacts WHERE run_id = ? AND name = ?`,
		runID, name).Scan(&t.Pieces, &t.Bytes, &t.Records)
	return t, err
}

// DeleteArtifacts deletes every artifact of a run.
func (s *Store) DeleteArtifacts(ctx context.Context, runID string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM run_artifacts WHERE run_id = ?`, runID)
		return err
	})
}
