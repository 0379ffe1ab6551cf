package app

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/openintegrator/integrator/host/store"
	"github.com/openintegrator/integrator/host/store/storetest"
)

// pgStore points the app's store at a schema of its own on
// INTEGRATOR_TEST_POSTGRES (dropped at the test's end); without it the
// test is skipped, saying so.
func pgStore(t *testing.T, e *env) {
	t.Helper()
	e.set(StoreEnv, storetest.PostgresURL(t, "this test of workers and queued runs needs PostgreSQL and is SKIPPED (make test-postgres runs it)"))
}

// blockArgs is a job of a kind only this test registers: it runs until
// its context ends, never looking at the worker's stopping.
type blockArgs struct {
	RunID string `json:"run_id"`
}

func (blockArgs) Kind() string { return "test_block" }

var blockStarted = make(chan struct{}, 1)

func init() {
	registerJobKind("test_block", func(ws *river.Workers, j *Jobs) {
		river.AddWorker(ws, river.WorkFunc(func(ctx context.Context, job *river.Job[blockArgs]) error {
			blockStarted <- struct{}{}
			<-ctx.Done()
			return ctx.Err()
		}))
	})
}

// The worker's first stop waits for its running jobs (a job that does not
// end at its next page keeps it waiting); the second cancels them: the
// worker returns, and the job goes back to the queue for another worker
// (River makes it available again).
func TestWorkerSecondStopCancelsRunningJobs(t *testing.T) {
	a, e, _ := testApp(t)
	pgStore(t, e)
	ctx := testCtx(t)
	stop, cancel := make(chan struct{}), make(chan struct{})
	var mu sync.Mutex
	var log []string
	done := make(chan error, 1)
	go func() {
		done <- a.RunWorker(ctx, WorkerOptions{Concurrency: 1, JobTime: time.Minute, PollInterval: 20 * time.Millisecond, Stop: stop, Cancel: cancel,
			Note: func(format string, args ...any) {
				mu.Lock()
				defer mu.Unlock()
				log = append(log, strings.TrimSpace(fmt.Sprintf(format, args...)))
			}})
	}()
	st, q, err := a.insertQueue(ctx, "test")
	if err != nil {
		t.Fatal(err)
	}
	h := store.HistoryRun{ID: "0123456789abcdef", Kind: "export", ConnectionID: "c", Connection: "c", What: "w", Options: `{"queued":true}`, StartedAt: time.Now()}
	if err := st.QueueRun(ctx, h, func(tx *sql.Tx) error { _, err := q.Insert(ctx, tx, blockArgs{RunID: h.ID}); return err }); err != nil {
		t.Fatal(err)
	}
	select {
	case <-blockStarted:
	case err := <-done:
		t.Fatalf("the worker ended: %v %v", err, log)
	case <-ctx.Done():
		t.Fatal("the job never started")
	}
	close(stop)
	select {
	case err := <-done:
		t.Fatalf("the first stop returned (%v) while a job ran", err)
	case <-time.After(500 * time.Millisecond):
	}
	close(cancel)
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-ctx.Done():
		t.Fatalf("the second stop did not end the worker: %v", log)
	}
	jobs, err := q.RunJobs(ctx, h.ID)
	if err != nil || len(jobs) != 1 || (jobs[0].State != "available" && jobs[0].State != "retryable") {
		t.Fatalf("the cancelled job: %+v %v; want it back in the queue (available or retryable), for another worker", jobs, err)
	}

}
