package app

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/openintegrator/integrator/host/flows"
	"github.com/openintegrator/integrator/host/store"
	"github.com/openintegrator/integrator/host/store/queue"
)

// A queued report is a run of the history and a job per async job of its
// plan, unique by (run, job), all queued in one transaction. A job takes
// one step at a time (flows.Report.StepJob): it creates its async job at
// the API and saves its id (the artifact "state", seq = job), or polls it
// once and, while the API says it is processing, waits without holding a
// worker (river.JobSnooze); once the result is there it downloads the
// rows (the artifact "output", seq = job) and its tally. The job that
// stores the last tally ends the run, in the same transaction; runs
// download then writes the rows in plan order, as the report in one
// process writes them.

func init() {
	registerJobKind(queue.KindReport, func(ws *river.Workers, j *Jobs) { river.AddWorker(ws, &reportWorker{j: j}) })
}

// queuedReport is a queued report's options, as its run holds them:
// completed and checked against the connector when it was queued, so
// that every job plans the same jobs.
type queuedReport struct {
	queuedMark
	Report ReportOptions `json:"report"`
	Jobs   int           `json:"jobs"` // the async jobs of its plan
}

// QueueReport queues a report through the connection fl.Connection for
// the workers: it checks the options (with the connector's limits, so a
// wrong granularity is refused now, not by a worker), then records the
// run and a job per async job of its plan in one transaction. o.Out must
// be "": a queued report's rows are in the store.
func (a *App) QueueReport(ctx context.Context, fl Flow, o ReportOptions) (QueuedRun, error) {
	words := optionWords(fl.OptionName)
	var problems []error
	if err := flows.CheckReport(o, fl.OptionName); err != nil {
		problems = append(problems, err)
	}
	if o.Out != "" && o.Out != "-" {
		problems = append(problems, fmt.Errorf("%s does not apply to a queued report: its rows are kept in the store; get them with integrator runs download ID", words("out")))
	}
	if o.Resume || o.Restart {
		problems = append(problems, fmt.Errorf("%s and %s do not apply to a queued report: a worker that dies hands its job to another, which goes on from the saved job ids", words("resume"), words("restart")))
	}
	if err := errors.Join(problems...); err != nil {
		return QueuedRun{}, err
	}
	o.Out = ""
	st, q, err := a.insertQueue(ctx, words("queue"))
	if err != nil {
		return QueuedRun{}, err
	}
	r := &flows.Report{ReportOptions: o}
	var jobs int
	var c store.Connection
	_, err = runFlow(ctx, a, fl, &r.Deps, func(ctx context.Context) (struct{}, error) {
		jobs, err = r.Jobs(ctx)
		c.ID, c.Name = r.ConnectionID, r.ConnectionName
		return struct{}{}, err
	})
	if err != nil {
		return QueuedRun{}, err
	}
	o = r.ReportOptions // completed: granularity, placement, max jobs
	// The run is pinned to the connection the plan was made through (its
	// id), with its type: see openRunConnection.
	pinned, err := st.GetByID(ctx, c.ID)
	if err != nil {
		return QueuedRun{}, notFound(err, c.Name)
	}
	c = pinned
	opts, err := json.Marshal(queuedReport{queuedMark: markFor(c), Report: o, Jobs: jobs})
	if err != nil {
		return QueuedRun{}, err
	}
	run := QueuedRun{ID: newRunID(), Kind: "report", What: fmt.Sprintf("report of %s for %s of account %s from %s to %s", strings.Join(o.Metrics, ","),
		plural(len(o.IDs), o.Entity+" id"), o.Account, o.Start.Format(time.DateOnly), o.End.Format(time.DateOnly))}
	err = st.QueueRun(ctx, store.HistoryRun{ID: run.ID, Kind: "report", ConnectionID: c.ID, Connection: c.Name, What: run.What,
		Options: string(opts), StartedAt: time.Now()}, func(tx *sql.Tx) error {
		for job := range jobs {
			if _, err := q.Insert(ctx, tx, queue.ReportArgs{RunID: run.ID, Job: int64(job)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return QueuedRun{}, err
	}
	return run, nil
}

// reportWorker takes one step of one async job of a queued report.
type reportWorker struct {
	river.WorkerDefaults[queue.ReportArgs]
	j *Jobs
}

// NextRetry tries a step that failed again soon: the job's id is saved,
// so trying again costs a poll.
func (w *reportWorker) NextRetry(job *river.Job[queue.ReportArgs]) time.Time {
	return time.Now().Add(time.Duration(job.Attempt) * time.Second)
}

// reportTally is what a report job did, as its tally holds it.
type reportTally struct {
	Rows     int64
	Restarts int
}

func (w *reportWorker) Work(ctx context.Context, job *river.Job[queue.ReportArgs]) error {
	st, id, seq := w.j.st, job.Args.RunID, job.Args.Job
	run, err := st.HistoryRun(ctx, id)
	if err != nil {
		return err
	}
	if runEnded(run) {
		return nil // cancelled
	}
	var qr queuedReport
	if err := json.Unmarshal([]byte(run.Options), &qr); err != nil {
		return w.j.failRun(ctx, job.JobRow, id, fmt.Errorf("the options of run %s: %w", id, err))
	}
	var state flows.ReportJobState
	if a, ok, err := st.Artifact(ctx, id, store.ArtifactState, seq); err != nil {
		return err
	} else if ok {
		if err := json.Unmarshal(a.Data, &state); err != nil {
			return w.j.failRun(ctx, job.JobRow, id, fmt.Errorf("the state of job %d: %w", seq+1, err))
		}
	}
	save := func(ctx context.Context, s flows.ReportJobState) error {
		b, err := json.Marshal(s)
		if err != nil {
			return err
		}
		return st.PutArtifacts(ctx, []store.Artifact{{RunID: id, Name: store.ArtifactState, Seq: seq, Data: b}}, nil)
	}
	if err := w.j.start(ctx, id); err != nil {
		return err
	}
	var rows bytes.Buffer
	var step flows.ReportStep
	var restarts int
	err = w.j.withPlugin(ctx, run, func(d flows.Deps) error {
		r := &flows.Report{Deps: d, ReportOptions: qr.Report}
		step, err = r.StepJob(ctx, int(seq), &state, save, &rows)
		restarts = d.Plugin.Restarts()
		return err
	})
	switch {
	case err != nil && ctx.Err() != nil:
		return handBack(err)
	case errors.As(err, new(*RunConnectionError)):
		return w.j.failRun(ctx, job.JobRow, id, err) // asking again cannot change it
	case err != nil:
		if job.Attempt >= maxJobAttempts {
			return w.j.failRun(ctx, job.JobRow, id, fmt.Errorf("job %d: %w", seq+1, err))
		}
		return err
	case !step.Done:
		return river.JobSnooze(step.Wait)
	}
	tally, _ := json.Marshal(reportTally{Rows: step.Rows, Restarts: restarts})
	_, err = st.EndPart(ctx, store.PartEnd{RunID: id, Part: seq, Parts: int64(qr.Jobs), Tally: tally, Out: []store.Artifact{
		{RunID: id, Name: store.ArtifactOutput, Seq: seq, Data: rows.Bytes(), Records: step.Rows},
	}}, func(tallies [][]byte) store.RunEnd {
		sum := ReportSummary{Jobs: qr.Jobs}
		for _, b := range tallies {
			var t reportTally
			_ = json.Unmarshal(b, &t)
			sum.Rows += t.Rows
			sum.Restarts += t.Restarts
		}
		return store.RunEnd{Outcome: store.OutcomeOK, Records: sum.Rows, Summary: DescribeReport(sum)}
	}, nil)
	return err
}
