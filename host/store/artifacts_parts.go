package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"time"
)

// A queued run whose work is cut into parts (an import's chunks, a
// report's jobs) keeps, beside its output, what its jobs share: the plan
// of its parts, each part's state between its steps and its tally once
// it ended. These are artifacts too, under names of their own, which
// runs download never writes.
const (
	ArtifactPlan  = "plan"  // a part's plan (an import chunk's place in the input), seq = part
	ArtifactState = "state" // a part's state between its steps (a report job's API id), seq = part
	ArtifactTally = "tally" // what a part did once it ended, seq = part: the run ends when every part has one
)

// PutArtifacts stores pieces, replacing any stored under the same (run,
// name, seq), in one write transaction with also (when not nil) after
// them. also may run more than once (see AddArtifacts).
func (s *Store) PutArtifacts(ctx context.Context, pieces []Artifact, also func(*sql.Tx) error) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		if err := putArtifacts(ctx, tx, pieces); err != nil {
			return err
		}
		if also != nil {
			return also(tx)
		}
		return nil
	})
}

func putArtifacts(ctx context.Context, tx *sql.Tx, pieces []Artifact) error {
	for _, a := range pieces {
		data := a.Data
		if data == nil {
			data = []byte{}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO run_artifacts (run_id, name, seq, data, records) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (run_id, name, seq) DO UPDATE SET data = excluded.data, records = excluded.records`,
			a.RunID, a.Name, a.Seq, data, a.Records); err != nil {
			return err
		}
	}
	return nil
}

// Artifact returns one piece of a run's artifact; ok is false when the
// store holds none.
func (s *Store) Artifact(ctx context.Context, runID, name string, seq int64) (a Artifact, ok bool, err error) {
	a = Artifact{RunID: runID, Name: name, Seq: seq}
	err = s.db.QueryRowContext(ctx, `SELECT data, records FROM run_artifacts WHERE run_id = ? AND name = ? AND seq = ?`,
		runID, name, seq).Scan(&a.Data, &a.Records)
	if errors.Is(err, sql.ErrNoRows) {
		return a, false, nil
	}
	return a, err == nil, err
}

// WriteArtifactRange writes n bytes of a run's artifact name, from offset
// off of its pieces concatenated in seq order, to w, reading only the
// pieces that hold them, one at a time.
func (s *Store) WriteArtifactRange(ctx context.Context, runID, name string, off, n int64, w io.Writer) error {
	rows, err := s.db.QueryContext(ctx, `SELECT seq, length(data) FROM run_artifacts WHERE run_id = ? AND name = ? ORDER BY seq`, runID, name)
	if err != nil {
		return err
	}
	type piece struct{ seq, start, size int64 }
	var pieces []piece
	var at int64
	for rows.Next() {
		var p piece
		if err := rows.Scan(&p.seq, &p.size); err != nil {
			rows.Close()
			return err
		}
		p.start, at = at, at+p.size
		if p.start+p.size > off && p.start < off+n {
			pieces = append(pieces, p)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if off < 0 || n < 0 || off+n > at {
		return fmt.Errorf("bytes %d to %d of the %s of run %s: it holds %d", off, off+n, name, runID, at)
	}
	for _, p := range pieces {
		var data []byte
		if err := s.db.QueryRowContext(ctx, `SELECT data FROM run_artifacts WHERE run_id = ? AND name = ? AND seq = ?`,
			runID, name, p.seq).Scan(&data); err != nil {
			return err
		}
		from := max(off-p.start, 0)
		to := min(off+n-p.start, p.size)
		if _, err := w.Write(data[from:to]); err != nil {
			return err
		}
	}
	return nil
}

// Artifacts returns every piece of a run's artifact name, in seq order:
// for small ones (plans, tallies).
func (s *Store) Artifacts(ctx context.Context, runID, name string) ([]Artifact, error) {
	return artifacts(ctx, s.db, runID, name)
}

func artifacts(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, runID, name string) ([]Artifact, error) {
	rows, err := q.QueryContext(ctx, `SELECT seq, data, records FROM run_artifacts WHERE run_id = ? AND name = ? ORDER BY seq`, runID, name)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Artifact
	for rows.Next() {
		a := Artifact{RunID: runID, Name: name}
		if err := rows.Scan(&a.Seq, &a.Data, &a.Records); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// PartEnd is what one part of a queued run leaves when it ends.
type PartEnd struct {
	RunID string
	Part  int64
	Parts int64      // how many parts the run has
	Out   []Artifact // its output (results, errors, rows), replacing an earlier attempt's
	Tally []byte     // what it did, stored as its ArtifactTally
}

// RunEnd is how a run ends: its outcome, records, summary and error.
type RunEnd struct {
	Outcome string
	Records int64
	Summary string
	Error   string
}

// EndPart stores what a part of a queued run leaves, replacing what an
// earlier attempt of it stored, in one write transaction; when with it
// every part of the run has its tally, it ends the run in the same
// transaction with what end makes of the tallies (in part order), unless
// the run has ended already (it was cancelled, or an earlier attempt of
// this part ended it). So a run ends once, even when its last two parts
// end at the same moment: on PostgreSQL one of the two serializable
// transactions loses, runs again and finds both tallies; on SQLite
// writes take turns. also (when not nil) runs in the transaction after
// an end. ended says whether this call ended the run.
func (s *Store) EndPart(ctx context.Context, p PartEnd, end func(tallies [][]byte) RunEnd, also func(*sql.Tx) error) (ended bool, err error) {
	err = s.write(ctx, func(tx *sql.Tx) error {
		ended = false
		pieces := append([]Artifact{{RunID: p.RunID, Name: ArtifactTally, Seq: p.Part, Data: p.Tally}}, p.Out...)
		if err := putArtifacts(ctx, tx, pieces); err != nil {
			return err
		}
		tallies, err := artifacts(ctx, tx, p.RunID, ArtifactTally)
		if err != nil {
			return err
		}
		if int64(len(tallies)) < p.Parts {
			return nil
		}
		data := make([][]byte, len(tallies))
		for i, t := range tallies {
			data[i] = t.Data
		}
		e := end(data)
		ended, err = endRun(ctx, tx, p.RunID, e)
		if err != nil || !ended || also == nil {
			return err
		}
		return also(tx)
	})
	return ended, err
}

// endRun ends a run that is queued or running: a compare-and-set, so that
// a run ends once.
func endRun(ctx context.Context, tx *sql.Tx, runID string, e RunEnd) (bool, error) {
	res, err := tx.ExecContext(ctx, `UPDATE run_history SET outcome = ?, records = ?, summary = ?, error = ?, ended_at = ?
		WHERE id = ? AND outcome IN (?, ?)`, e.Outcome, e.Records, e.Summary, e.Error, time.Now().UnixNano(), runID, OutcomeQueued, OutcomeRunning)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}
