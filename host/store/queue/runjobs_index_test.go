package queue

import (
	"context"
	"strings"
	"testing"
)

// A run's jobs are found through River's index on the jobs' args, not by
// reading every job River keeps (completed ones stay a day, cancelled and
// discarded ones a week): runs wait, runs show, runs delete and the
// workers' sweeps of dead runs ask for them, and a busy store's river_job
// grows with every run.
func TestRunJobsUseTheArgsIndex(t *testing.T) {
	ctx := context.Background()
	st := openPG(t)
	q, err := Open(ctx, st, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, query := range []string{
		`SELECT id, kind FROM river_job WHERE ` + ofRun + ` ORDER BY id`,
		`SELECT id FROM river_job WHERE ` + ofRun + ` AND state NOT IN ('completed', 'cancelled', 'discarded')`,
	} {
		tx, err := q.db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		// The table is nearly empty here, where reading it all is
		// cheapest: ask the planner what it would do on a big one.
		if _, err := tx.ExecContext(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
			t.Fatal(err)
		}
		rows, err := tx.QueryContext(ctx, `EXPLAIN `+query, "a-run-id")
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, line)
		}
		rows.Close()
		tx.Rollback()
		if p := strings.Join(plan, "\n"); !strings.Contains(p, "river_job_args_index") {
			t.Errorf("%s\ndoes not use river_job_args_index:\n%s", query, p)
		}
	}
}
