package flows

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/openintegrator/integrator/shared"
)

// Report runs an async analytics report: it splits the window and the id
// list into jobs within the API's limits, creates them within the cap of
// processing jobs, polls them with backoff, downloads each result as a
// stream, gunzips it and writes one JSON line per entity, segment and
// job window.
type Report struct {
	Plugin   *Plugin
	Progress *Progress
	Stdout   io.Writer // where Out "-" goes

	Account     string
	Entity      string // CAMPAIGN, LINE_ITEM, ...
	IDs         []string
	Start, End  time.Time
	Granularity string   // DAY, HOUR or TOTAL
	Metrics     []string // metric groups: ENGAGEMENT, BILLING, ...
	Placement   string   // default ALL_ON_TWITTER
	Segment     string   // a segmentation type, or ""
	Out         string   // a file, or "-" (or "") for Stdout
	MaxJobs     int      // our jobs processing at once (default and at most 100)
	// PollInterval is the first wait between status polls (default 1s);
	// it grows by half after each poll that finds nothing new.
	PollInterval time.Duration

	pollMax  time.Duration
	attempts int     // tries of a request that failed on the way
	retry    backoff // between them, and between downloads of a result not there yet
	lim      *limiter
}

// ReportSummary says what a report did.
type ReportSummary struct {
	Jobs     int
	Rows     int64
	Restarts int
	Elapsed  time.Duration
}

// reportJob is a planned job and what the API said of it.
type reportJob struct {
	jobSpec
	id       string // the API's job id, once created
	url      string // the result, once there
	creates  int
	finished bool // downloaded
}

func (r *Report) defaults() {
	if r.PollInterval == 0 {
		r.PollInterval = time.Second
	}
	if r.pollMax == 0 {
		r.pollMax = 30 * time.Second
	}
	if r.attempts == 0 {
		r.attempts = 8
	}
	if r.retry.base == 0 {
		r.retry = backoff{base: time.Second, limit: 15 * time.Second}
	}
	if r.lim == nil {
		r.lim = newLimiter()
	}
	r.lim.onWait = func(until time.Time, why string) {
		r.Progress.Note("%s: waiting until %s (%s)", why, until.Format(time.TimeOnly), time.Until(until).Round(time.Second))
	}
}

// Run runs the report.
func (r *Report) Run(ctx context.Context) (ReportSummary, error) {
	start := time.Now()
	var sum ReportSummary
	if err := r.check(); err != nil {
		return sum, err
	}
	r.defaults()
	noteRestarts(r.Plugin, r.Progress)
	specs := planJobs(r.IDs, r.Start, r.End, r.Segment != "")
	jobs := make([]*reportJob, len(specs))
	for i, s := range specs {
		jobs[i] = &reportJob{jobSpec: s}
	}
	sum.Jobs = len(jobs)
	r.Progress.Note("Report of %s from %s to %s: %s", plural(len(r.IDs), r.Entity+" id"),
		r.Start.Format(time.RFC3339), r.End.Format(time.RFC3339), plural(len(jobs), "job"))

	out, commit, abandon, err := r.output()
	if err != nil {
		return sum, err
	}
	defer abandon()
	spool, err := os.CreateTemp("", "integrator-report-*.jsonl")
	if err != nil {
		return sum, err
	}
	defer os.Remove(spool.Name())
	defer spool.Close()

	next, done := 0, 0 // the next job to create; jobs downloaded, in order
	delay := r.PollInterval
	for {
		for next < len(jobs) && processing(jobs[:next]) < r.MaxJobs {
			ok, err := r.create(ctx, jobs[next])
			if err != nil {
				return sum, err
			}
			if !ok {
				break // the account has too many jobs: poll, then try again
			}
			next++
		}
		for done < next && jobs[done].url != "" {
			rows, err := r.download(ctx, jobs[done], spool, out)
			if err != nil {
				return sum, err
			}
			jobs[done].finished = true
			sum.Rows += rows
			done++
		}
		r.Progress.Update("Report: %d of %d jobs created, %d processing, %d downloaded, %s rows",
			next, len(jobs), processing(jobs[:next]), done, count(sum.Rows))
		if done == len(jobs) {
			break
		}
		if err := sleep(ctx, delay); err != nil {
			return sum, err
		}
		changed, err := r.poll(ctx, jobs[done:next])
		if err != nil {
			return sum, err
		}
		if changed {
			delay = r.PollInterval
		} else {
			delay = min(delay*3/2, r.pollMax)
		}
	}
	r.Progress.Clear()
	sum.Restarts, sum.Elapsed = r.Plugin.Restarts(), time.Since(start)
	return sum, commit()
}

// processing counts the jobs created and not yet finished on the API side.
func processing(jobs []*reportJob) int {
	n := 0
	for _, j := range jobs {
		if j.id != "" && j.url == "" && !j.finished {
			n++
		}
	}
	return n
}

// output opens where the rows go.
func (r *Report) output() (io.Writer, func() error, func(), error) {
	if r.Out == "" || r.Out == "-" {
		return r.Stdout, func() error { return nil }, func() {}, nil
	}
	path, err := filepath.Abs(r.Out)
	if err != nil {
		return nil, nil, nil, err
	}
	f, err := openPart(path)
	if err != nil {
		return nil, nil, nil, err
	}
	if err := f.cut(0); err != nil {
		f.Close()
		return nil, nil, nil, err
	}
	committed := false
	commit := func() error { committed = true; return f.commit() }
	abandon := func() {
		if !committed {
			f.abandon()
		}
	}
	return f, commit, abandon, nil
}

// jobQuery is the parameters of a job.
func (r *Report) jobQuery(j *reportJob) []shared.Param {
	q := []shared.Param{
		{Key: "entity", Value: r.Entity},
		{Key: "entity_ids", Value: strings.Join(j.ids, ",")},
		{Key: "start_time", Value: j.start.Format(time.RFC3339)},
		{Key: "end_time", Value: j.end.Format(time.RFC3339)},
		{Key: "granularity", Value: r.Granularity},
		{Key: "placement", Value: r.Placement},
		{Key: "metric_groups", Value: strings.Join(r.Metrics, ",")},
	}
	if r.Segment != "" {
		q = append(q, shared.Param{Key: "segmentation_type", Value: r.Segment})
	}
	return q
}

// errTooManyJobs is the API's refusal of another job while the account
// has its maximum processing.
var errTooManyJobs = errors.New("TOO_MANY_JOBS")
