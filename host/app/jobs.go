package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/openintegrator/integrator/host/store"
	"github.com/openintegrator/integrator/host/store/queue"
)

// Jobs is what the job workers of a worker process share: the app (its
// plugins run as in the CLI), the store, the queue (to queue a job's
// continuation in a store transaction), the job time budget, and the
// worker's stopping signal.
type Jobs struct {
	app     *App
	st      *store.Store
	q       *queue.Queue
	jobTime time.Duration
	note    func(format string, args ...any)
	// stopping is closed when the worker is asked to stop: a job ends at
	// its next page (chunk, ...), queueing its continuation, instead of
	// spending its whole budget.
	stopping chan struct{}
	stopOnce sync.Once
}

// stop tells running jobs that the worker is stopping.
func (j *Jobs) stop() { j.stopOnce.Do(func() { close(j.stopping) }) }

// Stopping reports whether the worker is stopping.
func (j *Jobs) Stopping() bool {
	select {
	case <-j.stopping:
		return true
	default:
		return false
	}
}

// Budget is when a job that starts now must end: its time budget's end.
func (j *Jobs) Budget() time.Time { return time.Now().Add(j.jobTime) }

// jobKinds are the workers of each kind of job, by kind. Each kind's file
// adds its own in an init function (registerJobKind), so a new kind is a
// new file, not an edit of this one.
var jobKinds = map[string]func(ws *river.Workers, j *Jobs){}

// registerJobKind adds the worker of a kind: add registers it on ws
// (river.AddWorker) with j, which the worker keeps.
func registerJobKind(kind string, add func(ws *river.Workers, j *Jobs)) {
	if _, dup := jobKinds[kind]; dup {
		panic("two workers of job kind " + kind)
	}
	jobKinds[kind] = add
}

// JobKinds returns the kinds of jobs a worker runs, sorted.
func JobKinds() []string {
	var out []string
	for k := range jobKinds {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// workers returns River's workers of every registered kind.
func (j *Jobs) workers() *river.Workers {
	ws := river.NewWorkers()
	for _, kind := range JobKinds() {
		jobKinds[kind](ws, j)
	}
	return ws
}

// jobNotes logs each job's start and end for the person running the
// worker: its id, kind, run and how it ended (never its data: args hold
// a run id and a number).
type jobNotes struct {
	river.MiddlewareDefaults
	j *Jobs
}

func (m *jobNotes) Work(ctx context.Context, job *rivertype.JobRow, inner func(context.Context) error) error {
	what := describeJob(job)
	m.j.note("job %d started: %s (attempt %d)", job.ID, what, job.Attempt)
	err := inner(ctx)
	var snooze *river.JobSnoozeError
	switch {
	case err == nil:
		m.j.note("job %d ended: %s", job.ID, what)
	case errors.As(err, &snooze):
		m.j.note("job %d waits %s: %s", job.ID, snooze.Duration, what)
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		m.j.note("job %d ran out of time (%s): %s; it runs again, from what it stored", job.ID, err, what)
	case ctx.Err() != nil:
		m.j.note("job %d handed back (the worker is stopping, or the run was cancelled): %s", job.ID, what)
	default:
		m.j.note("job %d failed: %s: %v", job.ID, what, err)
	}
	return err
}

// describeJob is a job's kind and args for people: "export of run ID,
// page 3".
func describeJob(job *rivertype.JobRow) string {
	var a struct {
		RunID string `json:"run_id"`
		Page  *int64 `json:"page"`
		Chunk *int64 `json:"chunk"`
		Job   *int64 `json:"job"`
	}
	_ = json.Unmarshal(job.EncodedArgs, &a)
	s := fmt.Sprintf("%s of run %s", job.Kind, a.RunID)
	switch {
	case a.Page != nil:
		s += fmt.Sprintf(", page %d", *a.Page+1)
	case a.Chunk != nil:
		s += fmt.Sprintf(", chunk %d", *a.Chunk+1)
	case a.Job != nil:
		s += fmt.Sprintf(", job %d", *a.Job+1)
	}
	return s
}
