package app

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"time"

	"github.com/riverqueue/river/rivertype"

	"github.com/openintegrator/integrator/host/store/queue"
)

// WorkerOptions are what RunWorker is given.
type WorkerOptions struct {
	// Concurrency is how many jobs run at once (at least 1).
	Concurrency int
	// JobTime is a job's time budget (queue.DefaultJobTime when 0).
	JobTime time.Duration
	// PollInterval is how often the queue is polled (0: the queue's
	// default).
	PollInterval time.Duration
	// Note gets the lines a person running the worker follows: started,
	// each job's start and end (with its run id), stopping. Never a
	// secret. nil notes nothing.
	Note func(format string, args ...any)
	// RiverLog gets River's own warnings and errors (nil: none).
	RiverLog io.Writer
	// Stop is closed to stop: no job is taken any more, and the running
	// ones end at their next page (chunk, ...), queueing what is left
	// for another worker, then RunWorker returns.
	Stop <-chan struct{}
	// Cancel is closed to stop at once: the running jobs' contexts are
	// cancelled, and River runs them again later (on any worker).
	Cancel <-chan struct{}
}

// RunWorker runs the queued runs' jobs until o.Stop (or ctx's end), on a
// store on PostgreSQL only, and only when this machine's master key is
// the store's (see checkMasterKey). It returns nil when it stopped as
// asked.
func (a *App) RunWorker(ctx context.Context, o WorkerOptions) error {
	if o.Concurrency < 1 {
		return &InputError{Field: "--concurrency", Problem: "give at least 1 (jobs run at once)"}
	}
	if o.JobTime == 0 {
		o.JobTime = queue.DefaultJobTime
	}
	if o.JobTime < 0 {
		return &InputError{Field: "--job-time", Problem: "give a positive duration (a job's time budget, e.g. 30s)"}
	}
	note := o.Note
	if note == nil {
		note = func(string, ...any) {}
	}
	j := &Jobs{app: a, jobTime: o.JobTime, note: note, stopping: make(chan struct{})}
	logger := slog.New(slog.DiscardHandler)
	if o.RiverLog != nil {
		logger = slog.New(slog.NewTextHandler(o.RiverLog, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	st, q, err := a.openQueue(ctx, "integrator worker", queue.Options{
		Workers:      j.workers(),
		Concurrency:  o.Concurrency,
		JobTime:      o.JobTime,
		PollInterval: o.PollInterval,
		Logger:       logger,
		Middleware:   []rivertype.Middleware{&jobNotes{j: j}},
	})
	if err != nil {
		return err
	}
	j.st, j.q = st, q
	keyID, err := a.checkMasterKey(ctx, st)
	if err != nil {
		return err
	}
	runCtx, stopRun := context.WithCancel(context.WithoutCancel(ctx))
	defer stopRun()
	if err := q.Start(runCtx); err != nil {
		return err
	}
	sweepCtx, stopSweep := context.WithCancel(runCtx)
	swept := make(chan struct{})
	go func() {
		defer close(swept)
		a.sweepDeadRuns(sweepCtx, st, q, note)
	}()
	defer func() { stopSweep(); <-swept }()
	timeout, rescue := queue.Timeouts(o.JobTime)
	note("worker started on %s: %d jobs at once, job time %s (a job is cancelled after %s, and run again elsewhere if its worker dies, after %s), master key %s",
		st.Where, o.Concurrency, o.JobTime, timeout, rescue, keyID)
	select {
	case <-o.Stop:
	case <-ctx.Done():
	case <-q.Stopped():
		return errors.New("the worker stopped on its own")
	}
	note("stopping: the running jobs end at their next page and hand back the rest (stop again to cancel them at once)")
	j.stop()
	stopped := make(chan error, 1)
	go func() { stopped <- q.Stop(context.WithoutCancel(ctx)) }()
	select {
	case err := <-stopped:
		note("worker stopped")
		return err
	case <-o.Cancel:
		note("cancelling the running jobs: River runs them again later")
		err := q.StopAndCancel(context.WithoutCancel(ctx))
		note("worker stopped")
		return err
	}
}
