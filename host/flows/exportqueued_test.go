package flows

import (
	"bytes"
	"context"
	"database/sql"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openintegrator/integrator/host/store"
	"github.com/openintegrator/integrator/shared"
)

// queuedJobs is a fake queue: Continue records the pages a job queued
// its continuation from (each hook call, as it may run more than once).
type queuedJobs struct {
	mu     sync.Mutex
	queued []int64
}

func (q *queuedJobs) job(runID string, page int64, until time.Time) QueuedExport {
	return QueuedExport{RunID: runID, Page: page, Until: until, Continue: func(_ context.Context, _ *sql.Tx, pages int64) error {
		q.mu.Lock()
		defer q.mu.Unlock()
		q.queued = append(q.queued, pages)
		return nil
	}}
}

func (q *queuedJobs) last() int64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.queued) == 0 {
		return -1
	}
	return q.queued[len(q.queued)-1]
}

// served is how many requests the API has served.
func (l *listAPI) served() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.requests)
}

func artifact(t *testing.T, s *store.Store, runID string) string {
	t.Helper()
	var b bytes.Buffer
	if _, err := s.WriteArtifact(context.Background(), runID, store.ArtifactOutput, &b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// A queued export whose budget is spent at once stores one page per job,
// each job queueing the next from the page after its own; the run's
// output, in the store, is what the file export writes.
func TestQueuedExportOnePagePerJob(t *testing.T) {
	api := &listAPI{n: 100}
	p, _ := fakePlugin(func(req shared.Request) (*shared.Response, error) { return api.serve(req), nil })
	s := testStore(t)
	x := testExport(t, s, p, "")
	q := &queuedJobs{}
	page, jobs := int64(0), 0
	for ; jobs < 100; jobs++ {
		sum, err := x.RunQueued(context.Background(), q.job("run1", page, time.Now()))
		if err != nil {
			t.Fatal(err)
		}
		if sum.End == QueuedDone {
			if sum.Records != 100 || sum.Pages != 15 {
				t.Errorf("the last job's summary: %+v", sum)
			}
			break
		}
		if sum.End != QueuedHandedOff || sum.JobPages != 1 || q.last() != page+1 {
			t.Fatalf("job of page %d: %+v, queued %v", page, sum, q.queued)
		}
		page = q.last()
	}
	if jobs != 14 {
		t.Errorf("%d jobs handed off, want 14 (15 pages)", jobs)
	}
	if got := artifact(t, s, "run1"); got != api.want(100) {
		t.Errorf("the run's output:\n%s", got)
	}
	if api.served() != 15 {
		t.Errorf("%d requests for 15 pages", api.served())
	}
}

// A job run again after its run moved on (a rescued job, a duplicate)
// fetches nothing and stores nothing: it queues the continuation from
// the checkpoint (the queue makes that a no-op when it is queued
// already), so a run whose worker died mid-job (pages stored, no
// continuation) goes on, and the output holds every record once.
func TestQueuedExportJobRunAgainDoesNoHarm(t *testing.T) {
	api := &listAPI{n: 100}
	ctx, kill := context.WithCancel(context.Background())
	p, _ := fakePlugin(func(req shared.Request) (*shared.Response, error) {
		if api.served() == 4 {
			kill() // the worker dies while fetching page 5
		}
		return api.serve(req), nil
	})
	s := testStore(t)
	x := testExport(t, s, p, "")
	q := &queuedJobs{}
	_, err := x.RunQueued(ctx, q.job("run1", 0, time.Now().Add(time.Hour)))
	if err == nil || len(q.queued) != 0 {
		t.Fatalf("the killed job: %v, queued %v", err, q.queued)
	}
	run, _ := s.ExportRun(context.Background(), store.QueuedExportKey("run1"))
	if run.Pages < 1 {
		t.Fatalf("the killed job stored %d pages", run.Pages)
	}
	requests := api.served()
	// River runs the job of page 0 again.
	sum, err := x.RunQueued(context.Background(), q.job("run1", 0, time.Now().Add(time.Hour)))
	if err != nil || sum.End != QueuedSkipped || sum.JobPages != 0 || q.last() != run.Pages {
		t.Fatalf("the job run again: %+v %v, queued %v; want skipped, the continuation from page %d", sum, err, q.queued, run.Pages)
	}
	if api.served() != requests {
		t.Errorf("the skipped job made %d requests", api.served()-requests)
	}
	// The continuation finishes the run; a duplicate of it does nothing.
	sum, err = x.RunQueued(context.Background(), q.job("run1", run.Pages, time.Now().Add(time.Hour)))
	if err != nil || sum.End != QueuedDone {
		t.Fatalf("the continuation: %+v %v", sum, err)
	}
	sum, err = x.RunQueued(context.Background(), q.job("run1", run.Pages, time.Now().Add(time.Hour)))
	if err != nil || sum.End != QueuedDone || sum.JobPages != 0 {
		t.Fatalf("the continuation run again: %+v %v", sum, err)
	}
	if got := artifact(t, s, "run1"); got != api.want(100) {
		t.Errorf("the run's output is not every record once:\n%s", got)
	}
}

// A cancelled run's job ends after the page it is on, queueing nothing;
// the pages stored stay.
func TestQueuedExportCancelledBetweenPages(t *testing.T) {
	api := &listAPI{n: 100}
	p, _ := fakePlugin(func(req shared.Request) (*shared.Response, error) { return api.serve(req), nil })
	s := testStore(t)
	x := testExport(t, s, p, "")
	q := &queuedJobs{}
	job := q.job("run1", 0, time.Now().Add(time.Hour))
	job.Cancelled = func() bool { return api.served() >= 3 }
	sum, err := x.RunQueued(context.Background(), job)
	if err != nil || sum.End != QueuedCancelled || sum.Pages != 3 || len(q.queued) != 0 {
		t.Fatalf("%+v %v, queued %v; want cancelled after 3 pages, nothing queued", sum, err, q.queued)
	}
	if got := artifact(t, s, "run1"); strings.Count(got, "\n") != 21 {
		t.Errorf("the stored output has %d records, want 21", strings.Count(got, "\n"))
	}
}
