package flows

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"
)

// A report queued for workers is a job per async job of its plan, each
// taken in steps: a step creates the API's job (once: its id is saved
// before anything else), or polls it once; the step that finds its result
// downloads the rows. Between steps the queued job waits without holding
// a worker (the queue's snooze), so many reports poll side by side.

// ReportJobState is what a queued report job keeps between its steps.
type ReportJobState struct {
	ID      string `json:"id,omitempty"` // the API's job id, once created
	Creates int    `json:"creates"`      // how often it was created (a job the API failed is created again, twice at most)
	Polls   int    `json:"polls"`        // polls since it was created: the wait grows with them
}

// ReportStep is what one step of a queued report job did.
type ReportStep struct {
	Done bool  // its rows are written
	Rows int64 // how many, when Done
	// Wait is how long to wait before the next step, when not Done.
	Wait time.Duration
}

// Jobs checks the report's options, against the connector's limits too,
// and returns how many async jobs its plan has.
func (r *Report) Jobs(ctx context.Context) (int, error) {
	specs, err := r.plan(ctx)
	return len(specs), r.worded(err)
}

func (r *Report) plan(ctx context.Context) ([]jobSpec, error) {
	if err := r.check(); err != nil {
		return nil, err
	}
	r.defaults()
	if err := r.describe(ctx); err != nil {
		return nil, err
	}
	return planJobs(r.IDs, r.Start, r.End, r.Segment != "", r.api), nil
}

// StepJob takes one step of job seq (from 0) of the report's plan, from
// st: it creates the job at the API when st has no id, and saves st with
// the new id through save before it returns; or it polls the job once
// (creating it again when the API failed it or forgot it, saved the same
// way); when the job's result is there it downloads its rows to out, as
// the report in one process writes them. A step that is not Done says
// how long to wait before the next.
func (r *Report) StepJob(ctx context.Context, seq int, st *ReportJobState, save func(context.Context, ReportJobState) error, out io.Writer) (ReportStep, error) {
	step, err := r.stepJob(ctx, seq, st, save, out)
	return step, r.worded(err)
}

func (r *Report) stepJob(ctx context.Context, seq int, st *ReportJobState, save func(context.Context, ReportJobState) error, out io.Writer) (ReportStep, error) {
	specs, err := r.plan(ctx)
	if err != nil {
		return ReportStep{}, err
	}
	if seq < 0 || seq >= len(specs) {
		return ReportStep{}, fmt.Errorf("job %d of a report whose plan has %s: the connector's report limits changed since the report was queued; queue it again",
			seq+1, plural(len(specs), "job"))
	}
	j := &reportJob{jobSpec: specs[seq], seq: seq, id: st.ID, creates: st.Creates, resumed: st.ID != ""}
	rs := reportState{jobs: map[int]string{}}
	keep := func() error {
		if j.id == st.ID && j.creates == st.Creates {
			return nil
		}
		st.ID, st.Creates, st.Polls = j.id, j.creates, 0
		if err := save(ctx, *st); err != nil {
			return fmt.Errorf("saving the id of job %s: %w", j.id, err)
		}
		return nil
	}
	if j.id == "" {
		if _, err := r.create(ctx, j, &rs); err != nil {
			return ReportStep{}, err
		}
		// Not created (the account has too many jobs processing): tried
		// again after the wait.
		return ReportStep{Wait: r.PollInterval}, keep()
	}
	_, err = r.poll(ctx, []*reportJob{j}, &rs)
	if kerr := keep(); kerr != nil {
		return ReportStep{}, kerr
	}
	if err != nil {
		return ReportStep{}, err
	}
	if j.url == "" {
		wait := r.pollWait(st.Polls)
		st.Polls++
		return ReportStep{Wait: wait}, save(ctx, *st)
	}
	spool, err := os.CreateTemp("", "integrator-report-*.jsonl")
	if err != nil {
		return ReportStep{}, err
	}
	defer os.Remove(spool.Name())
	defer spool.Close()
	rows, _, err := r.download(ctx, j, spool, out)
	if err != nil {
		return ReportStep{}, err
	}
	return ReportStep{Done: true, Rows: rows}, nil
}

// pollWait is the wait after the polls-th poll that found the job
// processing: as in one process, it grows by half each time, up to the
// longest.
func (r *Report) pollWait(polls int) time.Duration {
	d := r.PollInterval
	for range polls {
		if d = d * 3 / 2; d >= r.pollMax {
			return r.pollMax
		}
	}
	return d
}
