package app

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/openintegrator/integrator/host/store"
	"github.com/openintegrator/integrator/host/store/queue"
)

// failArgs is a job of a kind only these tests have: it always fails (as
// a job whose API keeps answering 500 does), and River gives it up after
// two attempts.
type failArgs struct {
	RunID string `json:"run_id"`
}

func (failArgs) Kind() string { return "test_fail" }
func (failArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 2}
}

var errAlwaysFails = errors.New("the API answered 500 (a test job that always fails)")

// laterArgs is a job River runs in an hour: a live job for the tests'
// duration.
type laterArgs struct {
	RunID string `json:"run_id"`
}

func (laterArgs) Kind() string { return "test_later" }
func (laterArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{ScheduledAt: time.Now().Add(time.Hour)}
}

func init() {
	registerJobKind("test_fail", func(ws *river.Workers, j *Jobs) {
		river.AddWorker(ws, river.WorkFunc(func(ctx context.Context, job *river.Job[failArgs]) error { return errAlwaysFails }))
	})
	registerJobKind("test_later", func(ws *river.Workers, j *Jobs) {
		river.AddWorker(ws, river.WorkFunc(func(ctx context.Context, job *river.Job[laterArgs]) error { return nil }))
	})
}

// queueTestRun records a queued run of kind with its jobs, in one
// transaction, as queueRun does.
func queueTestRun(t *testing.T, ctx context.Context, a *App, id, kind string, jobs ...river.JobArgs) {
	t.Helper()
	st, q, err := a.insertQueue(ctx, "test")
	if err != nil {
		t.Fatal(err)
	}
	h := store.HistoryRun{ID: id, Kind: kind, ConnectionID: "c", Connection: "c", What: kind + " of a test", Options: `{"queued":true}`, StartedAt: time.Now()}
	if err := st.QueueRun(ctx, h, func(tx *sql.Tx) error {
		for _, j := range jobs {
			if _, err := q.Insert(ctx, tx, j); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// waitDiscarded waits until River discarded a job of the run id.
func waitDiscarded(t *testing.T, ctx context.Context, a *App, id string) {
	t.Helper()
	_, q, err := a.insertQueue(ctx, "test")
	if err != nil {
		t.Fatal(err)
	}
	for {
		jobs, err := q.RunJobs(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, j := range jobs {
			if j.State == "discarded" {
				return
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("no job of run %s was discarded: %+v", id, jobs)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// riverOnly runs the tests' job kinds on a River client of its own (not
// a worker of the app, which would end the runs itself) until the test
// ends.
func riverOnly(t *testing.T, ctx context.Context, a *App) {
	t.Helper()
	st, err := a.store(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ws := river.NewWorkers()
	river.AddWorker(ws, river.WorkFunc(func(ctx context.Context, job *river.Job[failArgs]) error { return errAlwaysFails }))
	river.AddWorker(ws, river.WorkFunc(func(ctx context.Context, job *river.Job[laterArgs]) error { return nil }))
	q, err := queue.Open(ctx, st, queue.Options{Workers: ws, PollInterval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { q.StopAndCancel(context.Background()) })
}

// A queued run whose job River gave up (discarded after its last attempt)
// ends as failed when runs wait (show) reads it, saying which job, after
// how many attempts, River's last error and what to do; runs wait
// returns. A run with a job River may still run, and a run that ended
// (stopped), are never changed; several processes ending the same run at
// once end it once.
func TestQueuedRunWithADiscardedJobFails(t *testing.T) {
	a, e, _ := testApp(t)
	pgStore(t, e)
	ctx := testCtx(t)
	const (
		dead    = "0000000000000001"
		live    = "0000000000000002"
		stopped = "0000000000000003"
		raced   = "0000000000000004"
	)
	queueTestRun(t, ctx, a, dead, "import", failArgs{RunID: dead})
	queueTestRun(t, ctx, a, live, "export", failArgs{RunID: live}, laterArgs{RunID: live})
	queueTestRun(t, ctx, a, stopped, "export", failArgs{RunID: stopped})
	queueTestRun(t, ctx, a, raced, "report", failArgs{RunID: raced})
	st, err := a.store(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.EndQueuedRun(ctx, stopped, store.OutcomeStopped, 0, "", "cancelled (integrator runs cancel)", nil); err != nil {
		t.Fatal(err)
	}
	riverOnly(t, ctx, a)
	for _, id := range []string{dead, live, stopped, raced} {
		waitDiscarded(t, ctx, a, id)
	}

	r, err := a.WaitRun(ctx, dead, 20*time.Millisecond, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"test_fail job", "after 2 of 2 attempts", errAlwaysFails.Error(),
		"run the same import again with --queue", "records already sent are skipped"} {
		if r.Outcome != store.OutcomeFailed || !strings.Contains(r.Error, want) {
			t.Errorf("runs wait of a run whose only job was discarded: %s, %q; want failed, saying %q", r.Outcome, r.Error, want)
		}
	}

	// Several processes look at once: one ends the run.
	var mu sync.Mutex
	ended := 0
	var wg sync.WaitGroup
	for range 4 {
		b := New(Options{Getenv: e.get, LogLevel: "warn"})
		wg.Add(1)
		go func() {
			defer wg.Done()
			ids, err := b.EndDeadRuns(ctx)
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			defer mu.Unlock()
			for _, id := range ids {
				if id != raced {
					t.Errorf("ended %s; only %s could be", id, raced)
				}
				ended++
			}
		}()
	}
	wg.Wait()
	if ended != 1 {
		t.Errorf("4 processes ending dead runs at once ended the run %d times; want 1", ended)
	}
	if r, err := a.RunStatusOf(ctx, raced); err != nil || r.Outcome != store.OutcomeFailed || !strings.Contains(r.Error, "run the same report again") {
		t.Errorf("the raced run: %+v %v", r, err)
	}

	// A run with a live job, and one that was stopped, stay as they are.
	if r, err := a.RunStatusOf(ctx, live); err != nil || r.Ended() {
		t.Errorf("a run with a job River may still run: %+v %v; want it not ended", r, err)
	}
	if r, err := a.RunStatusOf(ctx, stopped); err != nil || r.Outcome != store.OutcomeStopped || r.Error != "cancelled (integrator runs cancel)" {
		t.Errorf("a stopped run: %+v %v; want it unchanged", r, err)
	}
	if _, err := a.RunStatuses(ctx, 10); err != nil {
		t.Fatal(err)
	}
	if r, err := a.RunStatusOf(ctx, live); err != nil || r.Ended() {
		t.Errorf("a run with a job River may still run, after runs list: %+v %v; want it not ended", r, err)
	}
}

// A worker ends a queued run whose job it gave up (after River's last
// attempt) by itself, with nobody waiting for the run.
func TestWorkerEndsARunWhoseJobWasDiscarded(t *testing.T) {
	a, e, _ := testApp(t)
	pgStore(t, e)
	ctx := testCtx(t)
	defer func(d time.Duration) { deadRunsEvery = d }(deadRunsEvery)
	deadRunsEvery = 100 * time.Millisecond
	const id = "0000000000000005"
	queueTestRun(t, ctx, a, id, "export", failArgs{RunID: id})
	st, err := a.store(ctx)
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	done := make(chan error, 1)
	var mu sync.Mutex
	var notes []string
	go func() {
		done <- a.RunWorker(ctx, WorkerOptions{Concurrency: 1, JobTime: time.Minute, PollInterval: 20 * time.Millisecond, Stop: stop,
			Note: func(format string, args ...any) {
				mu.Lock()
				defer mu.Unlock()
				notes = append(notes, format)
			}})
	}()
	defer func() {
		close(stop)
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	for {
		h, err := st.HistoryRun(ctx, id) // the store only: no runs show
		if err != nil {
			t.Fatal(err)
		}
		if h.Outcome != store.OutcomeQueued && h.Outcome != store.OutcomeRunning {
			if h.Outcome != store.OutcomeFailed || !strings.Contains(h.Error, "after 2 of 2 attempts") || !strings.Contains(h.Error, errAlwaysFails.Error()) {
				t.Errorf("the run: %s, %q; want failed, with the job's attempts and last error", h.Outcome, h.Error)
			}
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the worker never ended the run whose only job it gave up: %s", h.Outcome)
		case <-time.After(50 * time.Millisecond):
		}
	}
}
