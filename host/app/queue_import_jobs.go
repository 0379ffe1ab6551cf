package app

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/riverqueue/river"

	"github.com/openintegrator/integrator/host/flows"
	"github.com/openintegrator/integrator/host/store"
	"github.com/openintegrator/integrator/host/store/queue"
)

func init() {
	registerJobKind(queue.KindImportPlan, func(ws *river.Workers, j *Jobs) { river.AddWorker(ws, &importPlanWorker{j: j}) })
	registerJobKind(queue.KindImportChunk, func(ws *river.Workers, j *Jobs) { river.AddWorker(ws, &importChunkWorker{j: j}) })
}

// importPlanWorker cuts a queued import's input into chunks: it stores
// their plan and queues a job per chunk in one transaction. Run again
// (its worker died), it stores the same plan and queues nothing twice.
type importPlanWorker struct {
	river.WorkerDefaults[queue.ImportPlanArgs]
	j *Jobs
}

func (w *importPlanWorker) Work(ctx context.Context, job *river.Job[queue.ImportPlanArgs]) error {
	st, id := w.j.st, job.Args.RunID
	run, qi, err := readQueuedImport(ctx, st, id)
	if err != nil {
		return err
	}
	if runEnded(run) {
		return nil // cancelled
	}
	// The planner sends nothing, but a run whose connection is gone ends
	// here, before any chunk is queued (see openRunConnection).
	if _, _, _, err := w.j.app.openRunConnection(ctx, run); errors.As(err, new(*RunConnectionError)) {
		return w.j.failRun(ctx, job.JobRow, id, err)
	} else if err != nil {
		return err
	}
	if err := w.j.start(ctx, id); err != nil {
		return err
	}
	pr, pw := io.Pipe()
	go func() {
		_, err := st.WriteArtifact(ctx, id, store.ArtifactInput, pw)
		pw.CloseWithError(err)
	}()
	chunks, err := flows.PlanChunks(pr, qi.Chunk, qi.Import.MaxRecordBytes)
	pr.CloseWithError(errors.New("the plan is made"))
	if err != nil {
		return w.j.failRun(ctx, job.JobRow, id, fmt.Errorf("reading the input: %w", err))
	}
	if len(chunks) == 0 {
		_, err := st.EndQueuedRun(ctx, id, store.OutcomeOK, 0, DescribeImport(ImportSummary{}, cliWords), "", nil)
		return err
	}
	pieces := make([]store.Artifact, len(chunks))
	for i, c := range chunks {
		b, err := json.Marshal(c)
		if err != nil {
			return err
		}
		pieces[i] = store.Artifact{RunID: id, Name: store.ArtifactPlan, Seq: int64(c.Seq), Data: b, Records: c.Records}
	}
	return st.PutArtifacts(ctx, pieces, func(tx *sql.Tx) error {
		for _, c := range chunks {
			if _, err := w.j.q.Insert(ctx, tx, queue.ImportChunkArgs{RunID: id, Chunk: int64(c.Seq)}); err != nil {
				return err
			}
		}
		return nil
	})
}

// importChunkWorker imports one chunk of a queued import and stores its
// results, errors and tally; the chunk that stores the last tally ends
// the run. Run again after its worker died, it finds in the ledger what
// the dead attempt did: records done are not sent again, a create it
// left in flight is reported unknown.
type importChunkWorker struct {
	river.WorkerDefaults[queue.ImportChunkArgs]
	j *Jobs
}

// NextRetry runs a chunk that failed again soon: what it did is in the
// ledger, so trying again costs little.
func (w *importChunkWorker) NextRetry(job *river.Job[queue.ImportChunkArgs]) time.Time {
	return time.Now().Add(time.Duration(job.Attempt) * time.Second)
}

// chunkTally is what a chunk job did, as its tally holds it.
type chunkTally struct {
	Records, OK, Failed, Unknown int64
	Earlier, EarlierUnknown      int64
	Restarts                     int
}

func (w *importChunkWorker) Work(ctx context.Context, job *river.Job[queue.ImportChunkArgs]) error {
	st, id, seq := w.j.st, job.Args.RunID, job.Args.Chunk
	run, qi, err := readQueuedImport(ctx, st, id)
	if err != nil {
		return err
	}
	if runEnded(run) {
		return nil // cancelled
	}
	a, ok, err := st.Artifact(ctx, id, store.ArtifactPlan, seq)
	if err != nil {
		return err
	}
	if !ok {
		return w.j.failRun(ctx, job.JobRow, id, fmt.Errorf("chunk %d has no plan", seq+1))
	}
	var c flows.ImportChunk
	if err := json.Unmarshal(a.Data, &c); err != nil {
		return w.j.failRun(ctx, job.JobRow, id, fmt.Errorf("the plan of chunk %d: %w", seq+1, err))
	}
	plan, err := st.ArtifactTotals(ctx, id, store.ArtifactPlan)
	if err != nil {
		return err
	}
	var in bytes.Buffer
	if err := st.WriteArtifactRange(ctx, id, store.ArtifactInput, c.Offset, c.Size, &in); err != nil {
		return err
	}
	if err := w.j.start(ctx, id); err != nil {
		return err
	}
	var results, errs bytes.Buffer
	var sum ImportSummary
	err = w.j.withPlugin(ctx, run, func(d flows.Deps) error {
		im := &flows.Import{Deps: d, ImportOptions: qi.Import}
		sum, err = im.RunChunk(ctx, id, c, &in, &results, &errs)
		return err
	})
	var busy *store.BusyError
	switch {
	case errors.As(err, &busy):
		// Another attempt at this chunk runs still (a worker the queue
		// took for dead is alive): its outcome is awaited.
		return river.JobSnooze(w.j.jobTime)
	case err != nil && ctx.Err() != nil:
		return handBack(err)
	case errors.As(err, new(*RunConnectionError)):
		return w.j.failRun(ctx, job.JobRow, id, err) // asking again cannot change it
	case err != nil:
		if job.Attempt >= maxJobAttempts {
			return w.j.failRun(ctx, job.JobRow, id, fmt.Errorf("chunk %d: %w", seq+1, err))
		}
		return err
	}
	tally, _ := json.Marshal(chunkTally{Records: sum.Records, OK: sum.OK, Failed: sum.Failed, Unknown: sum.Unknown,
		Earlier: sum.Earlier, EarlierUnknown: sum.EarlierUnknown, Restarts: sum.Restarts})
	_, err = st.EndPart(ctx, store.PartEnd{RunID: id, Part: seq, Parts: plan.Pieces, Tally: tally, Out: []store.Artifact{
		{RunID: id, Name: store.ArtifactResults, Seq: seq, Data: results.Bytes(), Records: sum.Records},
		{RunID: id, Name: store.ArtifactErrors, Seq: seq, Data: errs.Bytes(), Records: sum.Failed + sum.Unknown + sum.EarlierUnknown},
	}}, importEnd, nil)
	return err
}

// importEnd is how a queued import ends, from its chunks' tallies: ok,
// or failed when a record failed or has an unknown outcome, as a run of
// the console ends.
func importEnd(tallies [][]byte) store.RunEnd {
	var sum ImportSummary
	for _, b := range tallies {
		var t chunkTally
		_ = json.Unmarshal(b, &t)
		sum.Records += t.Records
		sum.OK += t.OK
		sum.Failed += t.Failed
		sum.Unknown += t.Unknown
		sum.Earlier += t.Earlier
		sum.EarlierUnknown += t.EarlierUnknown
		sum.Restarts += t.Restarts
	}
	e := store.RunEnd{Outcome: store.OutcomeOK, Records: sum.Records, Summary: DescribeImport(sum, cliWords)}
	if ImportFailed(sum) {
		e.Outcome = store.OutcomeFailed
		e.Error = e.Summary + "; the input lines of the records not ok are in the run's errors (integrator runs download ID --errors)"
		if sum.Unknown+sum.EarlierUnknown > 0 {
			e.Error += ". " + UnknownOutcomeAdvice(cliWords)
		}
	}
	return e
}
