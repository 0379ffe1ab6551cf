package app

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/riverqueue/river"

	"github.com/openintegrator/integrator/host/flows"
	"github.com/openintegrator/integrator/host/store"
	"github.com/openintegrator/integrator/host/store/queue"
	"github.com/openintegrator/integrator/shared"
)

// queuedExportOptions are a queued export's options, as its history row
// holds them (no secret: a path and query parameters).
type queuedExportOptions struct {
	queuedMark
	Path         string         `json:"path"`
	Params       []shared.Param `json:"params,omitempty"`
	RecordsField string         `json:"records_field,omitempty"`
	MaxRecords   int64          `json:"max_records,omitempty"`
	MaxPageBytes int64          `json:"max_page_bytes,omitempty"`
}

// QueueExport queues an export through the connection for the workers
// (a store on PostgreSQL only): its pages go to the run's output artifact
// in the store (see RunArtifact), not to a file, so o.Out, o.Resume and
// o.Restart are refused. It returns at once.
func (a *App) QueueExport(ctx context.Context, connection string, o ExportOptions) (QueuedRun, error) {
	switch {
	case o.Out != "" && o.Out != "-":
		return QueuedRun{}, &InputError{Field: "--out", Problem: "a queued export's output is kept in the store, for any machine: leave --out out, and get it with 'integrator runs download ID --out FILE' once the run is done"}
	case o.Resume || o.Restart:
		return QueuedRun{}, &InputError{Field: "--resume/--restart", Problem: "a queued run goes on by itself after a worker stops or dies: leave them out"}
	}
	if _, _, err := a.insertQueue(ctx, "--queue"); err != nil {
		return QueuedRun{}, err
	}
	_, c, err := a.saved(ctx, connection)
	if err != nil {
		return QueuedRun{}, err
	}
	opts := queuedExportOptions{queuedMark: markFor(c), Path: o.Path, Params: o.Params, RecordsField: o.RecordsField,
		MaxRecords: o.MaxRecords, MaxPageBytes: o.MaxPageBytes}
	return a.queueRun(ctx, "--queue", "export", c, describeQueuedExport(opts), opts, queue.ExportArgs{RunID: newRunID()})
}

func describeQueuedExport(o queuedExportOptions) string {
	s := "export of " + o.Path
	if len(o.Params) > 0 {
		var ps []string
		for _, p := range o.Params {
			ps = append(ps, p.Key+"="+p.Value)
		}
		s += " with " + strings.Join(ps, " ")
	}
	return s
}

func init() {
	registerJobKind(queue.KindExport, func(ws *river.Workers, j *Jobs) { river.AddWorker(ws, &exportWorker{j: j}) })
}

// exportWorker runs a queued export's jobs: pages to the store within
// the job time budget, then the continuation (see flows.QueuedExport).
type exportWorker struct {
	river.WorkerDefaults[queue.ExportArgs]
	j *Jobs
}

func (w *exportWorker) Work(ctx context.Context, job *river.Job[queue.ExportArgs]) error {
	a, st, id := w.j.app, w.j.st, job.Args.RunID
	h, err := st.HistoryRun(ctx, id)
	if errors.Is(err, store.ErrNoRun) {
		return river.JobCancel(fmt.Errorf("run %s: %w", id, err))
	}
	if err != nil {
		return err
	}
	if h.Outcome != store.OutcomeQueued && h.Outcome != store.OutcomeRunning {
		return nil // it ended (cancelled, say): nothing to do
	}
	var o queuedExportOptions
	if err := json.Unmarshal([]byte(h.Options), &o); err != nil {
		return w.fail(ctx, h, 0, fmt.Errorf("the run's options: %w", err))
	}
	svc, c, cfg, err := a.openRunConnection(ctx, h)
	if err != nil {
		return w.fail(ctx, h, 0, err)
	}
	if err := st.StartQueuedRun(ctx, id); err != nil {
		return err
	}
	p := flows.NewPlugin(func(ctx context.Context) (flows.Conn, error) { return a.start(ctx, svc, c, cfg) }, 0)
	defer p.Close()
	x := &flows.Export{ExportOptions: flows.ExportOptions{Path: o.Path, Params: o.Params, RecordsField: o.RecordsField,
		MaxRecords: o.MaxRecords, MaxPageBytes: o.MaxPageBytes}}
	// Workers on many machines run an account's runs at once: each page
	// takes its unit of the API's rate limit from the store's shared rows.
	x.Deps = flows.Deps{Plugin: p, Store: st, ConnectionID: c.ID, ConnectionName: c.Name, OptionName: func(s string) string { return "--" + s },
		SharedLimits: true}
	sum, err := x.RunQueued(ctx, flows.QueuedExport{
		RunID:    id,
		Page:     job.Args.Page,
		Until:    w.j.Budget(),
		HandBack: w.j.Stopping,
		Cancelled: func() bool {
			h, err := st.HistoryRun(ctx, id)
			return err == nil && h.Outcome != store.OutcomeQueued && h.Outcome != store.OutcomeRunning
		},
		Continue: func(ctx context.Context, tx *sql.Tx, pages int64) error {
			_, err := w.j.q.Insert(ctx, tx, queue.ExportArgs{RunID: id, Page: pages})
			return err
		},
	})
	if err != nil && ctx.Err() != nil {
		if h, herr := st.HistoryRun(context.WithoutCancel(ctx), id); herr == nil && h.Outcome == store.OutcomeStopped {
			// River cancelled the job as the run was cancelled, before
			// the job noticed between two pages.
			sum.End, err = flows.QueuedCancelled, nil
		}
	}
	switch {
	case err != nil && ctx.Err() != nil:
		// The worker is stopping at once, or the job ran out of time:
		// River runs it again, which goes on from the checkpoint.
		return err
	case err != nil && store.Transient(err):
		// The database lost a conflict or a connection: River runs the
		// job again after a pause, from the checkpoint.
		return err
	case err != nil:
		return w.fail(ctx, h, sum.Records, err)
	}
	switch sum.End {
	case flows.QueuedDone:
		if err := st.FinishExportRun(ctx, id); err != nil {
			return err
		}
		_, err := st.EndQueuedRun(ctx, id, store.OutcomeOK, sum.Records, describeQueuedExportEnd(sum), "", nil)
		return err
	case flows.QueuedHandedOff:
		w.j.note("run %s: %s stored so far; the rest is queued", id, describeQueuedExportEnd(sum))
	case flows.QueuedSkipped:
		w.j.note("run %s: its checkpoint was past this job's page (a job run again after its worker stopped): nothing to do but make sure the run goes on", id)
	case flows.QueuedCancelled:
		w.j.note("run %s: cancelled; %s stored", id, describeQueuedExportEnd(sum))
	}
	return nil
}

// fail records that the run failed with err, and cancels the job: asking
// again cannot change the answer (a flow retries what can succeed later).
func (w *exportWorker) fail(ctx context.Context, h store.HistoryRun, records int64, err error) error {
	if _, rerr := w.j.st.EndQueuedRun(context.WithoutCancel(ctx), h.ID, store.OutcomeFailed, records, "", err.Error(), nil); rerr != nil {
		return errors.Join(err, rerr)
	}
	return river.JobCancel(err)
}

// describeQueuedExportEnd is a queued export's progress: "1,200 records
// in 12 pages".
func describeQueuedExportEnd(sum flows.QueuedSummary) string {
	s := fmt.Sprintf("%s in %s", plural(int(sum.Records), "record"), plural(int(sum.Pages), "page"))
	if sum.InvalidUTF8 > 0 {
		s += fmt.Sprintf(" (%s with bytes that are not valid UTF-8, kept as sent)", plural(int(sum.InvalidUTF8), "record"))
	}
	return s
}
