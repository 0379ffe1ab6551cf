package store

import (
	"context"
	"time"
)

// Unfinished is an export or report that stopped before its end and can
// be resumed: its output's part file holds what it saved.
type Unfinished struct {
	Kind         string // "export" or "report"
	RunKey       string
	ConnectionID string
	OutPath      string
	What         string
	Offset       int64 // bytes saved
	UpdatedAt    time.Time
}

// UnfinishedRuns returns the unfinished exports and reports of a
// connection, oldest first.
func (s *Store) UnfinishedRuns(ctx context.Context, connectionID string) ([]Unfinished, error) {
	return s.unfinished(ctx, `connection_id = ?`, connectionID)
}

// PartOwners returns the unfinished exports and reports that write to
// outPath (as outPath.part), oldest first.
func (s *Store) PartOwners(ctx context.Context, outPath string) ([]Unfinished, error) {
	return s.unfinished(ctx, `out_path = ?`, outPath)
}

func (s *Store) unfinished(ctx context.Context, where string, arg any) ([]Unfinished, error) {
	rows, err := s.db.QueryContext(ctx, `
		SELECT 'export', run_key, connection_id, out_path, what, byte_offset, updated_at FROM export_runs WHERE done = 0 AND pages > 0 AND `+where+`
		UNION ALL
		SELECT 'report', run_key, connection_id, out_path, what, byte_offset, updated_at FROM report_runs r WHERE done = 0
			AND (jobs_done > 0 OR EXISTS (SELECT 1 FROM report_jobs j WHERE j.run_id = r.id)) AND `+where+`
		ORDER BY 7`, arg, arg)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Unfinished
	for rows.Next() {
		var u Unfinished
		var at int64
		if err := rows.Scan(&u.Kind, &u.RunKey, &u.ConnectionID, &u.OutPath, &u.What, &u.Offset, &at); err != nil {
			return nil, err
		}
		u.UpdatedAt = time.Unix(0, at)
		out = append(out, u)
	}
	return out, rows.Err()
}
