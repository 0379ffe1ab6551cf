package flows

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/openintegrator/integrator/host/pause"
	"github.com/openintegrator/integrator/shared"
)

// call sends req until it gets an answer worth judging: failures on the
// way (no answer, 5xx, 429, a dead plugin) are tried again, a bounded
// number of times. A write (a job) may be created twice that way; that
// costs one of the account's job slots, nothing else.
func (r *Report) call(ctx context.Context, req shared.Request) (*shared.Response, error) {
	var last error
	for failures := 0; ; {
		if err := r.lim.wait(ctx); err != nil {
			return nil, err
		}
		resp, err := r.Plugin.DoRequest(ctx, req)
		switch {
		case err != nil && ctx.Err() != nil:
			return nil, ctx.Err()
		case err != nil && PluginDown(err):
			last = err
			continue // the Plugin starts it again, a bounded number of times
		case err != nil:
			return nil, err
		}
		r.lim.observe(resp.ResponseHead)
		st := resp.Status
		if st != 0 && st < 500 && st != http.StatusTooManyRequests {
			return resp, nil
		}
		resp.Body.Close()
		last = answerError(resp.ResponseHead)
		if st == http.StatusTooManyRequests || st == http.StatusServiceUnavailable {
			continue // the limiter waits
		}
		if failures++; failures >= r.attempts {
			return nil, fmt.Errorf("%s %s: giving up after %d attempts: %w", req.Method, req.URL, failures, last)
		}
		if err := pause.For(ctx, r.retry.after(failures)); err != nil {
			return nil, err
		}
	}
}

// create creates the job; false means the account has too many jobs
// processing, so it must wait.
func (r *Report) create(ctx context.Context, j *reportJob, st *reportState) (bool, error) {
	req := shared.Request{Method: http.MethodPost, URL: "stats/jobs/accounts/" + r.Account, Query: r.jobQuery(j)}
	resp, err := r.call(ctx, req)
	if err != nil {
		return false, fmt.Errorf("creating a job: %w", err)
	}
	defer resp.Body.Close()
	if resp.Status >= 300 {
		if _, ok := withCode(resp.Diagnostics, errTooManyJobs.Error()); ok {
			return false, nil
		}
		return false, fmt.Errorf("creating a job: %w", answerError(resp.ResponseHead))
	}
	var b struct {
		Data jobStatus `json:"data"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxAnswer)).Decode(&b); err != nil || b.Data.ID == "" {
		return false, fmt.Errorf("creating a job: the answer has no job id (%v)", err)
	}
	j.id, j.creates = b.Data.ID, j.creates+1
	j.url, j.resumed = "", false
	return true, r.saveJob(ctx, st, j)
}

// jobStatus is a job as the API describes it.
type jobStatus struct {
	ID     string  `json:"id_str"`
	Status string  `json:"status"`
	URL    *string `json:"url"`
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
	for i := 0; i < len(ids); i += maxPollIDs {
		chunk := ids[i:min(i+maxPollIDs, len(ids))]
		req := shared.Request{Method: http.MethodGet, URL: "stats/jobs/accounts/" + r.Account, Query: []shared.Param{
			{Key: "job_ids", Value: strings.Join(chunk, ",")}, {Key: "count", Value: fmt.Sprint(maxPollIDs)}}}
		resp, err := r.call(ctx, req)
		if err != nil {
			return changed, fmt.Errorf("asking for the jobs' status: %w", err)
		}
		var b struct {
			Data []jobStatus `json:"data"`
		}
		derr := json.NewDecoder(io.LimitReader(resp.Body, maxAnswer)).Decode(&b)
		resp.Body.Close()
		if resp.Status >= 300 {
			return changed, fmt.Errorf("asking for the jobs' status: %w", answerError(resp.ResponseHead))
		}
		if derr != nil {
			continue // asked again at the next poll
		}
		listed := map[string]bool{}
		for _, s := range b.Data {
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
		for _, s := range b.Data {
			j := byID[s.ID]
			if j == nil {
				continue
			}
			switch strings.ToUpper(s.Status) {
			case "SUCCESS":
				if s.URL != nil && *s.URL != "" { // the url can stay null for a while
					j.url, changed = *s.URL, true
				}
			case "FAILED", "EXPIRED", "CANCELLED":
				if j.creates >= 3 {
					return changed, fmt.Errorf("job %s for %s..%s ended %s three times", s.ID, j.start.Format(time.DateOnly), j.end.Format(time.DateOnly), s.Status)
				}
				r.Progress.Note("Job %s ended %s; creating it again", s.ID, s.Status)
				if _, err := r.create(ctx, j, st); err != nil {
					return changed, err
				}
				changed = true
			}
		}
	}
	return changed, nil
}

// download fetches a job's result, which may not be there yet for a
// while after SUCCESS (404), and appends its rows to out: a result that
// breaks off is fetched again from the start, so rows are never doubled.
// It returns the rows and the bytes written.
func (r *Report) download(ctx context.Context, j *reportJob, spool *os.File, out io.Writer) (rows, n int64, err error) {
	req := shared.Request{Method: http.MethodGet, URL: j.url}
	var last error
	notYet := backoff{base: r.PollInterval, limit: r.retry.limit}
	for attempt := 1; attempt <= r.attempts; attempt++ {
		if attempt > 1 {
			if err := pause.For(ctx, notYet.after(attempt-1)); err != nil {
				return 0, 0, err
			}
		}
		resp, err := r.call(ctx, req)
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
		rows, err = r.writeRows(resp.Body, j, spool)
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

// reportRow is one output line: an entity's metrics in one segment and
// job window.
type reportRow struct {
	ID          json.RawMessage `json:"id"`
	Segment     json.RawMessage `json:"segment"`
	StartTime   string          `json:"start_time"`
	EndTime     string          `json:"end_time"`
	Granularity string          `json:"granularity"`
	Placement   string          `json:"placement"`
	JobID       string          `json:"job_id"`
	Metrics     json.RawMessage `json:"metrics"`
}

// writeRows reads a result file (gzip, or plain JSON) as a stream and
// writes its rows to w.
func (r *Report) writeRows(body io.Reader, j *reportJob, w io.Writer) (int64, error) {
	br := bufio.NewReaderSize(body, 64<<10)
	var in io.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return 0, err
		}
		in = gz
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	dec := json.NewDecoder(in)
	if err := expectDelim(dec, '{'); err != nil {
		return 0, err
	}
	row := reportRow{StartTime: j.start.Format(time.RFC3339), EndTime: j.end.Format(time.RFC3339),
		Granularity: r.Granularity, Placement: r.Placement, JobID: j.id}
	var rows int64
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return rows, err
		}
		if tok != "data" {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return rows, err
			}
			continue
		}
		if err := expectArray(dec); err != nil {
			return rows, err
		}
		for dec.More() {
			var e struct {
				ID     json.RawMessage `json:"id"`
				IDData []struct {
					Segment json.RawMessage `json:"segment"`
					Metrics json.RawMessage `json:"metrics"`
				} `json:"id_data"`
			}
			if err := dec.Decode(&e); err != nil {
				return rows, err
			}
			for _, d := range e.IDData {
				row.ID, row.Segment, row.Metrics = e.ID, d.Segment, d.Metrics
				b, err := json.Marshal(row)
				if err != nil {
					return rows, err
				}
				bw.Write(b)
				bw.WriteByte('\n')
				rows++
			}
		}
		if _, err := dec.Token(); err != nil {
			return rows, err
		}
	}
	if err := expectDelim(dec, '}'); err != nil {
		return rows, err
	}
	// Read to the end, so that gzip checks its length and checksum.
	if _, err := io.Copy(io.Discard, in); err != nil {
		return rows, err
	}
	return rows, bw.Flush()
}

func expectArray(dec *json.Decoder) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return fmt.Errorf("the result's data is not an array")
	}
	return nil
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return fmt.Errorf("the result is not a JSON object (found %v)", tok)
	}
	return nil
}
