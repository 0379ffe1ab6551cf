package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/openintegrator/integrator/host/store"
)

// OutcomeQueued is the outcome of a queued run no worker has started.
const OutcomeQueued = store.OutcomeQueued

// The names of a queued run's artifacts (RunArtifact, DownloadRunArtifact).
const (
	ArtifactOutput  = store.ArtifactOutput  // an export's records, a report's rows
	ArtifactResults = store.ArtifactResults // an import's result lines
	ArtifactErrors  = store.ArtifactErrors  // an import's error lines
)

// RunStatus is a run of the history as `integrator runs` shows it: the
// history row, and for a queued run its progress (what its artifacts
// hold) and its jobs.
type RunStatus struct {
	ID         string     `json:"id"`
	Kind       string     `json:"kind"`
	Connection string     `json:"connection"`
	What       string     `json:"what"`
	Queued     bool       `json:"queued"`  // queued for workers (else a console run)
	Outcome    string     `json:"outcome"` // queued, running, ok, failed, stopped
	Records    int64      `json:"records"` // records stored so far (queued runs), or at its end
	Pages      int64      `json:"pages"`   // an export's pages stored so far
	Total      int64      `json:"total"`   // the API's total count of an export, -1 unknown
	Summary    string     `json:"summary"`
	Error      string     `json:"error"`
	StartedAt  time.Time  `json:"started_at"`
	EndedAt    *time.Time `json:"ended_at,omitempty"`
	Jobs       []RunJob   `json:"jobs,omitempty"`
	// Output, Results and Errors are the bytes of the run's artifacts
	// (see RunArtifact) so far.
	Output  int64 `json:"output_bytes"`
	Results int64 `json:"results_bytes,omitempty"`
	Errors  int64 `json:"errors_bytes,omitempty"`
}

// Ended reports whether the run ended.
func (r RunStatus) Ended() bool { return r.Outcome != OutcomeQueued && r.Outcome != OutcomeRunning }

// RunJob is one of a queued run's jobs, as the queue holds it.
type RunJob struct {
	ID      int64  `json:"id"`
	Kind    string `json:"kind"`
	State   string `json:"state"`
	Attempt int    `json:"attempt"`
	Error   string `json:"error,omitempty"`
}

// RunStatuses returns the latest limit runs of the history (queued runs
// and the console's), newest first, without their jobs. A queued run
// listed whose jobs can no longer run is ended as failed first (see
// EndDeadRuns).
func (a *App) RunStatuses(ctx context.Context, limit int) ([]RunStatus, error) {
	st, err := a.store(ctx)
	if err != nil {
		return nil, err
	}
	hs, err := st.HistoryRuns(ctx, limit)
	if err != nil {
		return nil, err
	}
	if a.endListedDeadRuns(ctx, st, hs) {
		if hs, err = st.HistoryRuns(ctx, limit); err != nil {
			return nil, err
		}
	}
	out := make([]RunStatus, 0, len(hs))
	for _, h := range hs {
		r, err := a.runStatus(ctx, st, h)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// RunStatusOf returns the run id, with its jobs when it is queued (and
// the store on PostgreSQL); a *RunNotFoundError when there is none. A
// queued run whose jobs can no longer run is ended as failed first (see
// EndDeadRuns): runs wait returns for it.
func (a *App) RunStatusOf(ctx context.Context, id string) (RunStatus, error) {
	st, err := a.store(ctx)
	if err != nil {
		return RunStatus{}, err
	}
	h, err := st.HistoryRun(ctx, id)
	if errors.Is(err, store.ErrNoRun) {
		return RunStatus{}, &RunNotFoundError{ID: id}
	}
	if err != nil {
		return RunStatus{}, err
	}
	r, err := a.runStatus(ctx, st, h)
	if err != nil || !r.Queued || st.Backend() != "postgres" {
		return r, err
	}
	_, q, err := a.insertQueue(ctx, "integrator runs show")
	if err != nil {
		return r, err
	}
	jobs, err := q.RunJobs(ctx, id)
	if err != nil {
		return r, err
	}
	if _, dead := deadJob(jobs); dead && !r.Ended() {
		// Its jobs can no longer run: it ends as failed (here, or in
		// the process that got there first).
		if _, err := a.endIfDead(ctx, st, q, r, jobs); err != nil {
			return r, err
		}
		if h, err = st.HistoryRun(ctx, id); err != nil {
			return r, err
		}
		if r, err = a.runStatus(ctx, st, h); err != nil {
			return r, err
		}
	}
	for _, j := range jobs {
		r.Jobs = append(r.Jobs, RunJob{ID: j.ID, Kind: j.Kind, State: j.State, Attempt: j.Attempt, Error: j.Error})
	}
	return r, nil
}

// consoleRunDied is the error of a console run whose process ended
// before the run did.
const consoleRunDied = "the integrator process that ran it ended before the run did"

func (a *App) runStatus(ctx context.Context, st *store.Store, h store.HistoryRun) (RunStatus, error) {
	r := RunStatus{ID: h.ID, Kind: h.Kind, Connection: h.Connection, What: h.What, Queued: isQueued(h), Outcome: h.Outcome,
		Records: h.Records, Total: -1, Summary: h.Summary, Error: h.Error, StartedAt: h.StartedAt.UTC()}
	if !h.EndedAt.IsZero() {
		t := h.EndedAt.UTC()
		r.EndedAt = &t
	}
	if !r.Queued {
		// A console run the history holds as running that no live
		// process holds ended with its process (as the console says).
		if r.Outcome == OutcomeRunning {
			if alive, err := st.RunHeld(h.ID); err == nil && !alive {
				r.Outcome = OutcomeStopped
				r.Error = consoleRunDied
			}
		}
		return r, nil
	}
	for _, x := range []struct {
		name string
		to   *int64
	}{{store.ArtifactOutput, &r.Output}, {store.ArtifactResults, &r.Results}, {store.ArtifactErrors, &r.Errors}} {
		t, err := st.ArtifactTotals(ctx, h.ID, x.name)
		if err != nil {
			return r, err
		}
		*x.to = t.Bytes
		if x.name == store.ArtifactOutput && !r.Ended() {
			r.Records, r.Pages = t.Records, t.Pieces
		}
		// An import's chunks store their results as each ends: their
		// records are its progress (it has no output).
		if x.name == store.ArtifactResults && h.Kind == "import" && !r.Ended() {
			r.Records = t.Records
		}
	}
	if h.Kind == "export" {
		if x, err := st.ExportRun(ctx, store.QueuedExportKey(h.ID)); err == nil {
			r.Pages, r.Total = x.Pages, x.Total
			if !r.Ended() {
				r.Records = x.Records
			}
		}
	}
	return r, nil
}

// CancelRun cancels a queued run: it is recorded as stopped and its jobs
// that wait are cancelled, in one transaction; a job running notices
// between two pages (chunks, ...) and ends, keeping what it stored. A
// run that ended, or a console run, is refused (a *RunStateError).
func (a *App) CancelRun(ctx context.Context, id string) (RunStatus, error) {
	r, err := a.RunStatusOf(ctx, id)
	if err != nil {
		return r, err
	}
	switch {
	case !r.Queued:
		return r, &RunStateError{ID: id, Why: "it is not a queued run: stop it in the console that runs it"}
	case r.Ended():
		return r, &RunStateError{ID: id, Why: fmt.Sprintf("it is not in progress (it ended: %s)", r.Outcome)}
	}
	st, q, err := a.insertQueue(ctx, "integrator runs cancel")
	if err != nil {
		return r, err
	}
	ended, err := st.EndQueuedRun(ctx, id, store.OutcomeStopped, r.Records, "", "cancelled (integrator runs cancel)", func(tx *sql.Tx) error {
		return q.CancelRunJobs(ctx, tx, id)
	})
	if err != nil {
		return r, err
	}
	if !ended {
		r, _ = a.RunStatusOf(ctx, id)
		return r, &RunStateError{ID: id, Why: fmt.Sprintf("it is not in progress (it ended: %s)", r.Outcome)}
	}
	return a.RunStatusOf(ctx, id)
}

// WaitRun waits until the run id ends, calling progress (when not nil)
// with its status every time it is read (every poll interval), and
// returns its last status. Ending ctx stops waiting (not the run).
func (a *App) WaitRun(ctx context.Context, id string, every time.Duration, progress func(RunStatus)) (RunStatus, error) {
	if every <= 0 {
		every = time.Second
	}
	for {
		r, err := a.RunStatusOf(ctx, id)
		if err != nil {
			return r, err
		}
		if progress != nil {
			progress(r)
		}
		if r.Ended() {
			return r, nil
		}
		select {
		case <-ctx.Done():
			return r, ctx.Err()
		case <-time.After(every):
		}
	}
}

// RunArtifact writes a queued run's artifact name (store.ArtifactOutput,
// ArtifactResults or ArtifactErrors) to w: its pieces in order. A run
// that has not ended writes what is stored so far.
func (a *App) RunArtifact(ctx context.Context, id, name string, w io.Writer) (store.ArtifactTotals, error) {
	r, err := a.RunStatusOf(ctx, id)
	if err != nil {
		return store.ArtifactTotals{}, err
	}
	if !r.Queued {
		return store.ArtifactTotals{}, &RunStateError{ID: id, Why: "it is not a queued run: its files are in the console's Runs page"}
	}
	st, err := a.store(ctx)
	if err != nil {
		return store.ArtifactTotals{}, err
	}
	return st.WriteArtifact(ctx, id, name, w)
}

// DownloadRunArtifact writes a queued run's artifact name to the file
// path: to path.part (0600, never through a symbolic link), synced, then
// renamed to path, so path is never half written.
func (a *App) DownloadRunArtifact(ctx context.Context, id, name, path string) (store.ArtifactTotals, error) {
	part := path + ".part"
	if fi, err := os.Lstat(part); err == nil && fi.Mode()&os.ModeSymlink != 0 {
		return store.ArtifactTotals{}, fmt.Errorf("%s is a symbolic link: integrator does not write through one (it could point anywhere); remove it, or choose another output file", part)
	}
	f, err := os.OpenFile(part, os.O_WRONLY|os.O_CREATE|os.O_TRUNC|noFollow, 0o600)
	if err != nil {
		return store.ArtifactTotals{}, err
	}
	t, err := a.RunArtifact(ctx, id, name, f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(part, path)
	}
	if err != nil {
		os.Remove(part)
	}
	return t, err
}
