package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// ReportRun is the checkpoint of one report written to a file: how much of
// the output is durable (the rows of the first JobsDone jobs of the plan,
// in order) and the API's id of every job created so far, by its place in
// the plan. RunKey identifies the command (connection, parameters,
// output), so running the same command again finds it.
type ReportRun struct {
	ID           string
	ConnectionID string
	RunKey       string
	OutPath      string
	Offset       int64 // bytes of the output file that hold whole jobs' rows, synced
	JobsDone     int   // jobs whose rows are in those bytes
	Rows         int64
	Jobs         map[int]string // the API's job id by place in the plan
	Done         bool           // the output file is complete and in place
	Digest       string         // the SHA-256 (hex) of the first Offset bytes; "" in older checkpoints
	What         string         // the command, for people
	StartedAt    time.Time
	UpdatedAt    time.Time
}

// ReportRun returns the run with the given key, or ErrNoRun.
func (s *Store) ReportRun(ctx context.Context, runKey string) (ReportRun, error) {
	r := ReportRun{Jobs: map[int]string{}}
	var started, updated int64
	err := s.db.QueryRowContext(ctx, `SELECT id, connection_id, run_key, out_path, byte_offset, jobs_done, rows, done, digest, what, started_at, updated_at
		FROM report_runs WHERE run_key = ?`, runKey).Scan(&r.ID, &r.ConnectionID, &r.RunKey, &r.OutPath,
		&r.Offset, &r.JobsDone, &r.Rows, &r.Done, &r.Digest, &r.What, &started, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return r, ErrNoRun
	}
	if err != nil {
		return r, err
	}
	r.StartedAt, r.UpdatedAt = time.Unix(0, started), time.Unix(0, updated)
	rows, err := s.db.QueryContext(ctx, `SELECT seq, job_id FROM report_jobs WHERE run_id = ?`, r.ID)
	if err != nil {
		return r, err
	}
	defer rows.Close()
	for rows.Next() {
		var seq int
		var id string
		if err := rows.Scan(&seq, &id); err != nil {
			return r, err
		}
		r.Jobs[seq] = id
	}
	return r, rows.Err()
}

// StartReportRun records a new run at its beginning, replacing any run
// with the same key (and its jobs) in the same transaction.
func (s *Store) StartReportRun(ctx context.Context, r ReportRun) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM report_runs WHERE run_key = ?`, r.RunKey); err != nil {
			return err
		}
		now := time.Now().UnixNano()
		_, err := tx.ExecContext(ctx, `INSERT INTO report_runs (id, connection_id, run_key, out_path, what, started_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, r.ID, r.ConnectionID, r.RunKey, r.OutPath, r.What, now, now)
		return err
	})
}

// RecordReportJob records the API's id of the job at place seq of the
// plan, replacing the id of a job created there before.
func (s *Store) RecordReportJob(ctx context.Context, runID string, seq int, jobID string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		if err := touchReport(ctx, tx, runID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO report_jobs (run_id, seq, job_id) VALUES (?, ?, ?)
			ON CONFLICT (run_id, seq) DO UPDATE SET job_id = excluded.job_id`, runID, seq, jobID)
		return err
	})
}

// CheckpointReport records that the output file holds offset bytes: the
// rows (rows in all) of the first jobsDone jobs, whose SHA-256 is digest.
// Call it only after those bytes are synced. It is a compare-and-set: the
// job must be the one after the store's (jobsDone = the stored jobs done
// + 1), else it changes nothing and returns ErrStaleCheckpoint.
func (s *Store) CheckpointReport(ctx context.Context, runID string, offset int64, jobsDone int, rows int64, digest string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		if err := touchReport(ctx, tx, runID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE report_runs SET byte_offset = ?, jobs_done = ?, rows = ?, digest = ? WHERE id = ? AND jobs_done = ? AND done = 0`,
			offset, jobsDone, rows, digest, runID, jobsDone-1)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("report run %s, job %d: %w", runID, jobsDone, ErrStaleCheckpoint)
		}
		return nil
	})
}

// FinishReportRun marks a run done: its output file is complete and in
// place. Its job ids are no longer needed.
func (s *Store) FinishReportRun(ctx context.Context, runID string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		if err := touchReport(ctx, tx, runID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE report_runs SET done = 1 WHERE id = ?`, runID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM report_jobs WHERE run_id = ?`, runID)
		return err
	})
}

// DeleteReportRun forgets the run with the given key, if there is one.
func (s *Store) DeleteReportRun(ctx context.Context, runKey string) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM report_runs WHERE run_key = ?`, runKey)
		return err
	})
}

// touchReport sets a run's updated time, or says that there is no such run.
func touchReport(ctx context.Context, tx *sql.Tx, runID string) error {
	res, err := tx.ExecContext(ctx, `UPDATE report_runs SET updated_at = ? WHERE id = ?`, time.Now().UnixNano(), runID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("report run %s: %w", runID, ErrNoRun)
	}
	return nil
}
