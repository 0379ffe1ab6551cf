package queue

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/rivertype"

	"github.com/openintegrator/integrator/host/store"
)

// Options are a queue's settings. The zero value is a client that only
// inserts jobs (what a front end needs to queue a run).
type Options struct {
	// Workers are the workers of the kinds this process runs; nil runs
	// none (the queue only inserts and cancels).
	Workers *river.Workers
	// Concurrency is how many jobs run at once (default 4).
	Concurrency int
	// JobTime is a job's time budget (default DefaultJobTime): a job
	// fetches pages (sends records, ...) until it is spent, then queues
	// its continuation. River's JobTimeout and RescueStuckJobsAfter
	// follow from it: see Timeouts.
	JobTime time.Duration
	// PollInterval is how often the worker looks for available jobs
	// (default 200 ms; the queue polls: no LISTEN/NOTIFY).
	PollInterval time.Duration
	// Logger gets River's own log lines (nil: none).
	Logger *slog.Logger
	// Middleware wraps every job a worker runs (to log its start and
	// end, say).
	Middleware []rivertype.Middleware
}

// DefaultJobTime is a job's time budget unless Options say otherwise.
const DefaultJobTime = 30 * time.Second

// Timeouts returns River's JobTimeout (when a job's context is cancelled)
// and RescueStuckJobsAfter (when a job still running, as its worker died,
// is run again) for a job time budget. A job stops at a page's end once
// its budget is spent, and one page (its request, retries and a rate
// limit's wait) may overrun it: the timeout is twice the budget, and at
// least the budget and 10 s more. A job is taken for stuck (its worker
// killed) only once a live worker would have had it cancelled: the
// timeout and one more budget (at least 5 s) later.
func Timeouts(jobTime time.Duration) (jobTimeout, rescueAfter time.Duration) {
	jobTimeout = max(2*jobTime, jobTime+10*time.Second)
	return jobTimeout, jobTimeout + max(jobTime, 5*time.Second)
}

// Queue is River's client over a store on PostgreSQL.
type Queue struct {
	st     *store.Store
	db     *sql.DB
	client *river.Client[*sql.Tx]
	// JobTime is the job time budget the queue was opened with.
	JobTime time.Duration
}

// Open brings River's tables up to date (see Migrate) and returns a queue
// over the store's database; store.ErrNoQueue on SQLite. It starts
// nothing: Start runs the workers.
func Open(ctx context.Context, st *store.Store, o Options) (*Queue, error) {
	db, err := st.QueueDB()
	if err != nil {
		return nil, err
	}
	if _, err := Migrate(ctx, st); err != nil {
		return nil, err
	}
	if o.JobTime <= 0 {
		o.JobTime = DefaultJobTime
	}
	if o.PollInterval <= 0 {
		o.PollInterval = 200 * time.Millisecond
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 4
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	timeout, rescue := Timeouts(o.JobTime)
	cfg := &river.Config{
		JobTimeout:           timeout,
		RescueStuckJobsAfter: rescue,
		FetchPollInterval:    o.PollInterval,
		FetchCooldown:        min(o.PollInterval, river.FetchCooldownDefault),
		PollOnly:             true,
		Logger:               o.Logger,
		Middleware:           o.Middleware,
		// Only River's own river_job rows are cleaned up (after these);
		// the store's ledgers, checkpoints and artifacts are never
		// touched by River.
		CompletedJobRetentionPeriod: 24 * time.Hour,
		CancelledJobRetentionPeriod: 7 * 24 * time.Hour,
		DiscardedJobRetentionPeriod: 7 * 24 * time.Hour,
	}
	if o.Workers != nil {
		cfg.Workers = o.Workers
		cfg.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: o.Concurrency}}
	}
	client, err := river.NewClient(riverdatabasesql.New(db), cfg)
	if err != nil {
		return nil, fmt.Errorf("the queue: %w", err)
	}
	return &Queue{st: st, db: db, client: client, JobTime: o.JobTime}, nil
}

// Insert inserts a job in tx, a transaction of the store (a store
// method's also hook), so that it commits with the store's rows or not
// at all. A job whose args are those of a job that exists or completed
// is not inserted again (every kind is unique by its args); inserted
// says which.
func (q *Queue) Insert(ctx context.Context, tx *sql.Tx, args river.JobArgs) (inserted bool, err error) {
	res, err := q.client.InsertTx(ctx, tx, args, nil)
	if err != nil {
		return false, fmt.Errorf("queueing a %s job: %w", args.Kind(), err)
	}
	return !res.UniqueSkippedAsDuplicate, nil
}

// Start starts the workers; they run until Stop, StopAndCancel or ctx's
// end.
func (q *Queue) Start(ctx context.Context) error { return q.client.Start(ctx) }

// Stop stops fetching jobs and waits for the running ones to end (each
// finishes, or hands back what is left by queueing its continuation).
func (q *Queue) Stop(ctx context.Context) error { return q.client.Stop(ctx) }

// StopAndCancel cancels the running jobs' contexts and waits for them:
// their work goes back to the queue (a retry) for another worker.
func (q *Queue) StopAndCancel(ctx context.Context) error { return q.client.StopAndCancel(ctx) }

// Stopped is closed once the workers have stopped.
func (q *Queue) Stopped() <-chan struct{} { return q.client.Stopped() }

// A Job is one of a run's jobs, as River holds it.
type Job struct {
	ID      int64
	Kind    string
	State   string // available, running, retryable, scheduled, completed, cancelled, discarded, pending
	Attempt int
	// MaxAttempts is how many attempts River makes before it discards
	// the job.
	MaxAttempts int
	Error       string // the error of its last failed attempt, if any
}

// ofRun selects a run's jobs ($1: the run's id) through River's GIN
// index on args (river_job_args_index), which serves @> but not ->>: with
// ->> every job River keeps (completed ones a day, cancelled and discarded
// ones a week) was read.
const ofRun = `args @> jsonb_build_object('run_id', $1::text)`

// liveStates are the states of a job River may still run.
const liveStates = `'available', 'pending', 'running', 'retryable', 'scheduled'`

// Live reports whether River may still run the job: it is waiting,
// running or to be run again. A completed, cancelled or discarded job
// never runs again.
func (j Job) Live() bool {
	switch j.State {
	case "available", "pending", "running", "retryable", "scheduled":
		return true
	}
	return false
}

// RunJobs returns the jobs of a run (any kind), oldest first.
func (q *Queue) RunJobs(ctx context.Context, runID string) ([]Job, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT id, kind, state, attempt, max_attempts, coalesce(errors[array_length(errors, 1)]->>'error', '') FROM river_job
		WHERE `+ofRun+` ORDER BY id`, runID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Job
	for rows.Next() {
		var j Job
		if err := rows.Scan(&j.ID, &j.Kind, &j.State, &j.Attempt, &j.MaxAttempts, &j.Error); err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

// CancelRunJobs cancels every job of a run that has not ended, in tx (a
// store method's also hook): a job waiting is never run; a running one
// goes on until its worker notices the run stopped (between pages).
func (q *Queue) CancelRunJobs(ctx context.Context, tx *sql.Tx, runID string) error {
	rows, err := tx.QueryContext(ctx, `SELECT id FROM river_job WHERE `+ofRun+`
		AND state NOT IN ('completed', 'cancelled', 'discarded')`, runID)
	if err != nil {
		return err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := q.client.JobCancelTx(ctx, tx, id); err != nil && err != rivertype.ErrNotFound {
			return fmt.Errorf("cancelling job %d: %w", id, err)
		}
	}
	return nil
}

// LiveRunJobs counts the jobs of a run River may still run (see
// Job.Live), in tx (a store method's also hook): a run is only ended for
// jobs that can no longer run when none can, read in the transaction
// that ends it.
func (q *Queue) LiveRunJobs(ctx context.Context, tx *sql.Tx, runID string) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT count(*) FROM river_job WHERE `+ofRun+` AND state IN (`+liveStates+`)`, runID).Scan(&n)
	return n, err
}
