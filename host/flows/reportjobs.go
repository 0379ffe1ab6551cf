package flows

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/openintegrator/integrator/shared"
)

// retried makes one report call until it gets an answer worth judging:
// failures on the way (no answer, 5xx, a rate limit, a dead plugin) are
// tried again, a bounded number of times. A job may be created twice that
// way; that costs one of the account's job slots, nothing else.
//
// method and path say which shared rate limit the call spends (see
// limitScope); "" for a call outside the API's limits (a download).
func retried[T any](ctx context.Context, r *Report, what, method, path string, do func() (T, shared.ResponseHead, error)) (T, shared.ResponseHead, error) {
	var last error
	for failures := 0; ; {
		var none T
		if err := r.lim.wait(ctx); err != nil {
			return none, shared.ResponseHead{}, err
		}
		var tk *rateTicket
		if path != "" {
			var err error
			if tk, err = r.shared.take(ctx, r.lim, method, path); err != nil {
				return none, shared.ResponseHead{}, err
			}
		}
		v, h, err := do()
		var resp *shared.Response
		if err == nil || h.Status != 0 {
			resp = &shared.Response{ResponseHead: h}
		}
		if derr := tk.done(ctx, resp, err); derr != nil {
			if c, ok := any(v).(io.Closer); ok && err == nil {
				c.Close()
			}
			return none, h, derr
		}
		switch {
		case err != nil && ctx.Err() != nil:
			return none, h, ctx.Err()
		case err != nil && PluginDown(err):
			last = err
			continue // the Plugin starts it again, a bounded number of times
		case err != nil:
			return none, h, err
		}
		r.lim.observe(h)
		st, limited := h.Status, rateLimited(h)
		if st != 0 && st < 500 && !limited {
			return v, h, nil
		}
		if c, ok := any(v).(io.Closer); ok {
			c.Close()
		}
		last = answerError(h)
		if limited || st == http.StatusServiceUnavailable {
			continue // the limiter waits
		}
		if failures++; failures >= r.attempts {
			return none, h, fmt.Errorf("%s: giving up after %d attempts: %w", what, failures, last)
		}
		if err := shared.Sleep(ctx, r.retry.after(failures)); err != nil {
			return none, h, err
		}
	}
}

// jobs makes a create (POST) or poll (GET) call until it gets an answer
// worth judging.
func (r *Report) jobs(ctx context.Context, what, method string, do func() (shared.ReportJobs, error)) (shared.ReportJobs, error) {
	// The calls' paths are the connector's: what counts for the shared
	// limits is that they are the account's.
	a, _, err := retried(ctx, r, what, method, "accounts/"+r.Account, func() (shared.ReportJobs, shared.ResponseHead, error) {
		a, err := do()
		return a, a.ResponseHead, err
	})
	return a, err
}

// query is what job j covers.
func (r *Report) query(j *reportJob) shared.ReportQuery {
	return shared.ReportQuery{Account: r.Account, Entity: r.Entity, IDs: j.ids, Start: j.start, End: j.end,
		Granularity: r.Granularity, Metrics: r.Metrics, Placement: r.Placement, Segment: r.Segment}
}

// create creates the job; false means the account has too many jobs
// processing, so it must wait.
func (r *Report) create(ctx context.Context, j *reportJob, st *reportState) (bool, error) {
	q := r.query(j)
	a, err := r.jobs(ctx, "creating a job", http.MethodPost, func() (shared.ReportJobs, error) { return r.Plugin.CreateReportJob(ctx, q) })
	if err != nil {
		return false, fmt.Errorf("creating a job: %w", err)
	}
	if a.Status >= 300 {
		if _, ok := withCode(a.Diagnostics, shared.CodeTooManyJobs); ok {
			return false, nil
		}
		return false, fmt.Errorf("creating a job: %w", answerError(a.ResponseHead))
	}
	if len(a.Jobs) == 0 || a.Jobs[0].ID == "" {
		return false, errors.New("creating a job: the answer has no job id")
	}
	j.id, j.creates = a.Jobs[0].ID, j.creates+1
	j.url, j.resumed = "", false
	return true, r.saveJob(ctx, st, j)
}

// poll asks for the status of the jobs that are created and not done,
// and reports whether any changed. A job of an earlier run that the API no
// longer lists (it forgets jobs after a while) is created again.
func (r *Report) poll(ctx context.Context, jobs []*reportJob, st *reportState) (bool, error) {
	byID := map[string]*reportJob{}
	var ids []string
	for _, j := range jobs {
		if j.id != "" && j.url == "" {
			byID[j.id] = j
			ids = append(ids, j.id)
		}
	}
	changed := false
	per := max(r.api.MaxPollIDs, 1)
	for i := 0; i < len(ids); i += per {
		chunk := ids[i:min(i+per, len(ids))]
		a, err := r.jobs(ctx, "asking for the jobs' status", http.MethodGet, func() (shared.ReportJobs, error) { return r.Plugin.PollReportJobs(ctx, r.Account, chunk) })
		if err != nil {
			return changed, fmt.Errorf("asking for the jobs' status: %w", err)
		}
		if a.Status >= 300 {
			return changed, fmt.Errorf("asking for the jobs' status: %w", answerError(a.ResponseHead))
		}
		if a.Diagnostics.HasError() {
			continue // an answer the connector could not read: asked again at the next poll
		}
		listed := map[string]bool{}
		for _, s := range a.Jobs {
			listed[s.ID] = true
		}
		for _, id := range chunk {
			if j := byID[id]; j.resumed && !listed[id] {
				r.Progress.Note("Job %s of the earlier run is no longer known to the API; creating it again", id)
				if _, err := r.create(ctx, j, st); err != nil {
					return changed, err
				}
				changed = true
			}
		}
		for _, s := range a.Jobs {
			j := byID[s.ID]
			if j == nil {
				continue
			}
			switch s.State {
			case shared.JobSuccess:
				if s.URL != "" { // the url can stay unknown for a while
					j.url, changed = s.URL, true
				}
			case shared.JobFailed:
				if j.creates >= 3 {
					return changed, fmt.Errorf("job %s for %s..%s ended %s three times", s.ID, j.start.Format(time.DateOnly), j.end.Format(time.DateOnly), s.APIState)
				}
				r.Progress.Note("Job %s ended %s; creating it again", s.ID, s.APIState)
				if _, err := r.create(ctx, j, st); err != nil {
					return changed, err
				}
				changed = true
			}
		}
	}
	return changed, nil
}

// download fetches a job's rows, which may not be there yet for a while
// after it succeeded (404), and appends them to out: rows that break off
// are fetched again from the start, so none is doubled. It returns the
// rows and the bytes written.
func (r *Report) download(ctx context.Context, j *reportJob, spool *os.File, out io.Writer) (rows, n int64, err error) {
	q, job := r.query(j), shared.ReportJob{ID: j.id, State: shared.JobSuccess, URL: j.url}
	var last error
	notYet := backoff{base: r.PollInterval, limit: r.retry.limit}
	for attempt := 1; attempt <= r.attempts; attempt++ {
		if attempt > 1 {
			if err := shared.Sleep(ctx, notYet.after(attempt-1)); err != nil {
				return 0, 0, err
			}
		}
		resp, _, err := retried(ctx, r, "downloading the result of job "+j.id, "", "", func() (*shared.Response, shared.ResponseHead, error) {
			resp, err := r.Plugin.FetchReportJob(ctx, q, job)
			if err != nil {
				return nil, shared.ResponseHead{}, err
			}
			return resp, resp.ResponseHead, nil
		})
		if err != nil {
			return 0, 0, fmt.Errorf("downloading the result of job %s: %w", j.id, err)
		}
		if resp.Status >= 300 {
			resp.Body.Close()
			last = answerError(resp.ResponseHead)
			if resp.Status == http.StatusNotFound || resp.Status == http.StatusForbidden {
				continue // not there yet
			}
			return 0, 0, fmt.Errorf("downloading the result of job %s: %w", j.id, last)
		}
		if err := spool.Truncate(0); err != nil {
			resp.Body.Close()
			return 0, 0, err
		}
		if _, err := spool.Seek(0, io.SeekStart); err != nil {
			resp.Body.Close()
			return 0, 0, err
		}
		rows, err = copyLines(spool, resp.Body)
		resp.Body.Close()
		if err != nil {
			if ctx.Err() != nil {
				return 0, 0, ctx.Err()
			}
			last = err
			continue
		}
		if _, err := spool.Seek(0, io.SeekStart); err != nil {
			return 0, 0, err
		}
		n, err := io.Copy(out, spool)
		if err != nil {
			return 0, 0, err
		}
		return rows, n, nil
	}
	return 0, 0, fmt.Errorf("the result of job %s could not be downloaded after %d attempts: %w", j.id, r.attempts, last)
}

// copyLines copies JSON Lines rows from r to w and counts them; rows that
// do not end with a line break are a result that broke off.
func copyLines(w io.Writer, r io.Reader) (int64, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	bw := bufio.NewWriterSize(w, 64<<10)
	var rows int64
	for {
		line, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			bw.Write(line)
			continue
		}
		if len(line) > 0 {
			bw.Write(line)
			if line[len(line)-1] == '\n' {
				rows++
			}
		}
		if err == io.EOF {
			if len(line) > 0 && line[len(line)-1] != '\n' {
				return rows, errors.New("the result's last row is cut short")
			}
			return rows, bw.Flush()
		}
		if err != nil {
			return rows, err
		}
	}
}
