package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/openintegrator/integrator/host/app"
)

// ErrWorkerStopped is what `worker` returns when a signal stopped it as
// asked, everything handed back: the process exits 0, saying nothing more.
var ErrWorkerStopped = errors.New("the worker stopped as asked")

// WorkerOptions are the inputs of `worker`.
type WorkerOptions struct {
	F           *Factory
	Concurrency int
	JobTime     time.Duration
	Poll        time.Duration
}

func newWorkerCmd(f *Factory) *cobra.Command {
	opts := &WorkerOptions{F: f}
	cmd := &cobra.Command{
		Use:   "worker [--concurrency N] [--job-time 30s]",
		Short: "Run queued exports, imports and reports until stopped",
		Long: `Run the jobs of queued runs (export, import and report with --queue) until
stopped, on a store on PostgreSQL (INTEGRATOR_STORE or --store) that every
worker and every machine shares. Start as many workers, on as many machines,
as you like: each takes jobs from the queue, --concurrency at once.

Every worker needs the same master key as the others (INTEGRATOR_MASTER_KEY,
or the key file): the store records the id of the key its secrets are
sealed with, and a worker with another key refuses to start, naming both
ids. Plugins run as for any other command (the same plugin folders, the
same trust).

A job works for --job-time (default 30s), then stores its progress and
queues the rest of its run for any worker, in one transaction. A job still
running after its timeout (twice --job-time, and at least --job-time plus
10 s) is cancelled. A job whose worker died (killed, a machine lost) is run
again by another worker after that timeout and one more --job-time (at
least 5 s): after 90 s at the default 30s, 17 s at 2s. It goes on from the
last page stored, never storing one twice.

A job that keeps failing ends its run as failed, naming the job, its
attempts and its last error: an import chunk or a report job at its 5th
failed attempt; an export page once River gives it up after 25 (a job that
keeps running out of time, a database that keeps refusing), as River does
a job whose worker died during its 25th. Every worker looks for runs whose
jobs River gave up when it starts and every minute, and 'runs show', 'runs
wait' and 'runs list' do when they read one.

Ctrl-C or SIGTERM stops the worker: it takes no more jobs, its running jobs
end at their next page and queue the rest, and it exits 0. A second Ctrl-C
or SIGTERM cancels the running jobs at once: what they had not stored is
fetched again by another worker. Log lines on stderr say when each job
starts and ends, with its run id.`,
		Example: `  INTEGRATOR_STORE=postgres://integrator@db.internal/integrator integrator worker --concurrency 8
  integrator export prod accounts/18ce54d4x5t/campaigns -F count=1000 --queue --detach
  integrator runs wait 5f2c9a1e0b7d4c36 && integrator runs download 5f2c9a1e0b7d4c36 --out campaigns.jsonl`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return workerRun(cmd.Context(), opts) },
	}
	cmd.Flags().IntVar(&opts.Concurrency, "concurrency", 4, "run up to `N` jobs at once")
	cmd.Flags().DurationVar(&opts.JobTime, "job-time", 30*time.Second, "a job's time budget (`DURATION`, e.g. 30s, 2m): it then queues the rest of its run")
	cmd.Flags().DurationVar(&opts.Poll, "poll", 200*time.Millisecond, "look for jobs every `DURATION`")
	_ = cmd.Flags().MarkHidden("poll")
	return cmd
}

func workerRun(ctx context.Context, opts *WorkerOptions) error {
	f := opts.F
	stop, cancel := make(chan struct{}), make(chan struct{})
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	done := make(chan struct{})
	defer close(done)
	go func() {
		n := 0
		for {
			select {
			case <-sigs:
				n++
				if n == 1 {
					close(stop)
				} else {
					close(cancel)
					return
				}
			case <-done:
				return
			}
		}
	}()
	var mu sync.Mutex
	note := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(f.IO.ErrOut, "%s worker: %s\n", time.Now().UTC().Format(time.RFC3339), fmt.Sprintf(format, args...))
	}
	err := f.App().RunWorker(ctx, app.WorkerOptions{
		Concurrency:  opts.Concurrency,
		JobTime:      opts.JobTime,
		PollInterval: opts.Poll,
		Note:         note,
		RiverLog:     f.IO.ErrOut,
		Stop:         stop,
		Cancel:       cancel,
	})
	signalled := ctx.Err() != nil
	select {
	case <-stop:
		signalled = true
	default:
	}
	if err == nil && signalled {
		// A signal stopped it: the handler above closed stop. main's
		// handler sees the same signal, but may not have ended ctx yet
		// when RunWorker returns; checking ctx alone then made main say
		// "error: stopped by terminated" and exit 143.
		return ErrWorkerStopped
	}
	return err
}
