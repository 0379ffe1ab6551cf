package queue

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/openintegrator/integrator/host/store"
	"github.com/openintegrator/integrator/host/store/storetest"
)

// openPG opens a store on PostgreSQL in a schema of its own (dropped at
// the test's end); the test is skipped, saying why, without
// INTEGRATOR_TEST_POSTGRES.
func openPG(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.OpenURL(context.Background(), storetest.PostgresURL(t, "the queue's tests need PostgreSQL and are SKIPPED (run them with 'make test-postgres' or .ci/with-postgres)"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func history(id string) store.HistoryRun {
	return store.HistoryRun{ID: id, Kind: "export", ConnectionID: "c", Connection: "c", What: "campaigns", Options: "{}", StartedAt: time.Now()}
}

// A store on SQLite has no queue, and says so.
func TestQueueNeedsPostgres(t *testing.T) {
	st, err := store.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := Open(context.Background(), st, Options{}); !errors.Is(err, store.ErrNoQueue) {
		t.Fatalf("got %v, want ErrNoQueue", err)
	}
}

// A queued run's history row and its first job commit together: when the
// rest of the transaction fails, neither is there. A job with the args
// of one that exists is not inserted again.
func TestRunAndJobCommitTogether(t *testing.T) {
	ctx := context.Background()
	st := openPG(t)
	q, err := Open(ctx, st, Options{})
	if err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err = st.QueueRun(ctx, history("r1"), func(tx *sql.Tx) error {
		if _, err := q.Insert(ctx, tx, ExportArgs{RunID: "r1"}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if jobs, _ := q.RunJobs(ctx, "r1"); len(jobs) != 0 {
		t.Fatalf("a rolled back run left jobs %+v", jobs)
	}
	if _, err := st.HistoryRun(ctx, "r1"); !errors.Is(err, store.ErrNoRun) {
		t.Fatalf("a rolled back run is in the history: %v", err)
	}
	var first, again bool
	err = st.QueueRun(ctx, history("r1"), func(tx *sql.Tx) error {
		if first, err = q.Insert(ctx, tx, ExportArgs{RunID: "r1"}); err != nil {
			return err
		}
		again, err = q.Insert(ctx, tx, ExportArgs{RunID: "r1"})
		return err
	})
	if err != nil || !first || again {
		t.Fatalf("err %v, first inserted %v, again inserted %v", err, first, again)
	}
	jobs, err := q.RunJobs(ctx, "r1")
	if err != nil || len(jobs) != 1 || jobs[0].Kind != KindExport || jobs[0].State != "available" {
		t.Fatalf("jobs %+v, %v", jobs, err)
	}
	if h, _ := st.HistoryRun(ctx, "r1"); h.Outcome != store.OutcomeQueued {
		t.Fatalf("outcome %q, want queued", h.Outcome)
	}
}

// A worker runs the queued jobs; cancelling a run's jobs leaves none of
// them to run.
func TestWorkersRunAndCancel(t *testing.T) {
	ctx := context.Background()
	st := openPG(t)
	var mu sync.Mutex
	var ran []ExportArgs
	done := make(chan struct{}, 10)
	ws := river.NewWorkers()
	river.AddWorker(ws, river.WorkFunc(func(ctx context.Context, j *river.Job[ExportArgs]) error {
		mu.Lock()
		ran = append(ran, j.Args)
		mu.Unlock()
		done <- struct{}{}
		return nil
	}))
	insertOnly, err := Open(ctx, st, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// r2's job is cancelled before any worker runs.
	if err := st.QueueRun(ctx, history("r2"), func(tx *sql.Tx) error {
		_, err := insertOnly.Insert(ctx, tx, ExportArgs{RunID: "r2"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if err := st.EndHistoryRunTx(ctx, "r2", store.OutcomeStopped, 0, "", "stopped", func(tx *sql.Tx) error {
		return insertOnly.CancelRunJobs(ctx, tx, "r2")
	}); err != nil {
		t.Fatal(err)
	}
	q, err := Open(ctx, st, Options{Workers: ws, Concurrency: 2, JobTime: time.Second, PollInterval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer q.Stop(ctx)
	if err := st.QueueRun(ctx, history("r1"), func(tx *sql.Tx) error {
		_, err := insertOnly.Insert(ctx, tx, ExportArgs{RunID: "r1", Page: 3})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("the worker did not run the job")
	}
	if err := q.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(ran) != 1 || ran[0] != (ExportArgs{RunID: "r1", Page: 3}) {
		t.Fatalf("ran %+v, want r1's page 3 only", ran)
	}
	jobs, _ := q.RunJobs(ctx, "r2")
	if len(jobs) != 1 || jobs[0].State != "cancelled" {
		t.Fatalf("r2's jobs %+v, want one cancelled", jobs)
	}
}

// River's tables are not the store's: the schema's tables compared and
// copied leave them out, so a store with a queue copies into SQLite.
func TestRiverTablesStayOutOfCopy(t *testing.T) {
	ctx := context.Background()
	st := openPG(t)
	if _, err := Migrate(ctx, st); err != nil {
		t.Fatal(err)
	}
	if n, err := Migrate(ctx, st); err != nil || n != 0 {
		t.Fatalf("a second migration applied %d, %v", n, err)
	}
	lite, err := store.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	got, err := store.Copy(ctx, st, lite, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, table := range got.Tables {
		if len(table) > 6 && table[:6] == "river_" {
			t.Errorf("copied River's table %s", table)
		}
	}
}
