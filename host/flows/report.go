package flows

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/openintegrator/integrator/shared"
)

// Report runs an async analytics report through a connector that offers
// them (shared.Reporter): it splits the window and the id list into jobs
// within the limits the connector declares, creates them within the cap
// of processing jobs, polls them with backoff, and fetches each job's
// rows, which the connector turns into JSON Lines, as a stream.
type Report struct {
	Deps
	ReportOptions

	api      shared.Reports // the API's limits, as the connector declares them
	pollMax  time.Duration
	attempts int     // tries of a request that failed on the way
	retry    backoff // between them, and between downloads of a result not there yet
	lim      *limiter
	shared   *sharedLimits // nil: the run does not share rate limits
}

// ReportOptions say what a report asks for and where it writes the rows.
type ReportOptions struct {
	Resume  bool // continue an unfinished run of the same command
	Restart bool // forget an unfinished run of the same command

	Account     string
	Entity      string // CAMPAIGN, LINE_ITEM, ...
	IDs         []string
	Start, End  time.Time
	Granularity string   // one the connector declares, such as DAY ("": its first)
	Metrics     []string // metric groups: ENGAGEMENT, BILLING, ...
	Placement   string   // "": the connector's default
	Segment     string   // a segmentation type, or ""
	Out         string   // a file, or "-" (or "") for Stdout
	MaxJobs     int      // our jobs processing at once (0: the most the API allows)
	// PollInterval is the first wait between status polls (default 1s);
	// it grows by half after each poll that finds nothing new.
	PollInterval time.Duration
}

// ReportSummary says what a report did.
type ReportSummary struct {
	Jobs     int
	Rows     int64
	Resumed  bool // it continued an earlier run
	Restarts int
	Elapsed  time.Duration
}

// reportJob is a planned job and what the API said of it.
type reportJob struct {
	jobSpec
	seq      int    // its place in the plan
	id       string // the API's job id, once created
	url      string // the result, once there
	creates  int
	finished bool // downloaded
	resumed  bool // id comes from an earlier run's checkpoint
}

func (r *Report) defaults() {
	r.quietIfNil()
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
	r.shared = newSharedLimits(&r.Deps)
	r.lim.onWait = func(until time.Time, why string) {
		r.Progress.Note("%s: waiting until %s (%s)", why, until.Format(time.TimeOnly), time.Until(until).Round(time.Second))
	}
}

// Run runs the report. A report to a file, with a Store, checkpoints
// each job's rows once they are synced, and records every job it creates:
// an interrupted run is continued by the same command with Resume, which
// polls the jobs it has instead of creating them again.
func (r *Report) Run(ctx context.Context) (ReportSummary, error) {
	sum, err := r.run(ctx)
	return sum, r.worded(err)
}

func (r *Report) run(ctx context.Context) (ReportSummary, error) {
	start := time.Now()
	var sum ReportSummary
	if err := r.check(); err != nil {
		return sum, err
	}
	r.defaults()
	noteRestarts(r.Plugin, r.Progress)
	if err := r.describe(ctx); err != nil {
		return sum, err
	}
	specs := planJobs(r.IDs, r.Start, r.End, r.Segment != "", r.api)
	jobs := make([]*reportJob, len(specs))
	for i, s := range specs {
		jobs[i] = &reportJob{jobSpec: s, seq: i}
	}
	sum.Jobs = len(jobs)

	out, st, err := r.open(ctx, len(jobs))
	if err != nil {
		return sum, err
	}
	defer out.abandon()
	sum.Resumed, sum.Rows = st.resumed, st.rows
	if st.placed {
		sum.Restarts, sum.Elapsed = r.Plugin.Restarts(), time.Since(start)
		return sum, r.finish(ctx, st)
	}
	next, done := st.jobsDone, st.jobsDone // the next job to create; jobs downloaded, in order
	for i := range jobs[:done] {
		jobs[i].finished = true
	}
	for ; next < len(jobs) && st.jobs[next] != ""; next++ {
		jobs[next].id, jobs[next].resumed = st.jobs[next], true
	}
	r.Progress.Note("Report of %s from %s to %s: %s", plural(len(r.IDs), r.Entity+" id"),
		r.Start.Format(time.RFC3339), r.End.Format(time.RFC3339), plural(len(jobs), "job"))

	spool, err := os.CreateTemp("", "integrator-report-*.jsonl")
	if err != nil {
		return sum, err
	}
	defer os.Remove(spool.Name())
	defer spool.Close()

	err = r.jobsTo(ctx, jobs, next, done, spool, out, &st)
	sum.Rows = st.rows
	if err != nil {
		if st.runID != "" && (st.jobsDone > 0 || len(st.jobs) > 0) {
			out.keep()
			if ctx.Err() != nil {
				err = errInterrupted
			}
			verb := "are"
			if st.rows == 1 {
				verb = "is"
			}
			return sum, &StoppedError{Err: err, Kept: fmt.Sprintf("%s from %d of %s %s saved; run the same command with ⟪resume⟫ to continue",
				plural64(st.rows, "row"), st.jobsDone, plural(len(jobs), "job"), verb)}
		}
		return sum, err
	}
	r.Progress.Clear()
	if err := out.commit(); err != nil {
		return sum, err
	}
	sum.Restarts, sum.Elapsed = r.Plugin.Restarts(), time.Since(start)
	return sum, r.finish(ctx, st)
}

// jobsTo creates, polls and downloads jobs, from next (the first job not
// created) and done (the first job not downloaded), until all are written
// to out.
func (r *Report) jobsTo(ctx context.Context, jobs []*reportJob, next, done int, spool *os.File, out *reportOut, st *reportState) error {
	delay := r.PollInterval
	base := int64(done) // downloaded by the runs this one resumes
	measure(r.Progress, Measure{Task: "Report", Unit: "jobs", Done: base, Total: int64(len(jobs)), Base: base})
	for {
		for next < len(jobs) && processing(jobs[:next]) < r.MaxJobs {
			ok, err := r.create(ctx, jobs[next], st)
			if err != nil {
				return err
			}
			if !ok {
				break // the account has too many jobs: poll, then try again
			}
			next++
		}
		for done < next && jobs[done].url != "" {
			rows, n, err := r.download(ctx, jobs[done], spool, out)
			if err != nil {
				return err
			}
			jobs[done].finished = true
			done++
			if err := r.checkpoint(ctx, out, st, n, rows); err != nil {
				return err
			}
		}
		measure(r.Progress, Measure{Task: "Report", Unit: "jobs", Done: int64(done), Total: int64(len(jobs)), Base: base,
			Note: fmt.Sprintf("%d processing, %s", processing(jobs[:next]), plural64(st.rows, "row"))})
		r.Progress.Update("Report: %d of %s created, %d processing, %d downloaded, %s",
			next, plural(len(jobs), "job"), processing(jobs[:next]), done, plural64(st.rows, "row"))
		if done == len(jobs) {
			return nil
		}
		if err := shared.Sleep(ctx, delay); err != nil {
			return err
		}
		changed, err := r.poll(ctx, jobs[done:next], st)
		if err != nil {
			return err
		}
		if changed {
			delay = r.PollInterval
		} else {
			delay = min(delay*3/2, r.pollMax)
		}
	}
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
