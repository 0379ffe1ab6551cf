package flows

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/openintegrator/integrator/host/store"
)

// ErrUnfinishedReport is returned when an unfinished run of the same report
// exists and neither Resume nor Restart was asked for.
var ErrUnfinishedReport = errors.New("an unfinished report to the same file exists")

// reportState is how far a report run has got: what is durable in the
// output, and the jobs created.
type reportState struct {
	runID    string // "" when nothing is checkpointed (stdout, or no store)
	offset   int64
	jobsDone int
	rows     int64
	jobs     map[int]string // the API's job id by place in the plan
	resumed  bool
	placed   bool // the output is complete and in place already
}

// reportOut is where the rows go: Stdout, or a part file put in place when
// the report is complete.
type reportOut struct {
	io.Writer
	part      *partFile    // nil for Stdout
	lease     *store.Lease // the output's, while the run has it
	committed bool
	kept      bool
}

// commit puts a part file in place.
func (o *reportOut) commit() error {
	if o.part == nil {
		return nil
	}
	o.committed = true
	if err := o.part.commit(); err != nil {
		return fmt.Errorf("putting %s in place: %w", o.part.final, err)
	}
	return nil
}

// keep leaves the part file for a resumed run.
func (o *reportOut) keep() {
	if o.part != nil {
		o.kept = true
		o.part.Close()
	}
}

// abandon removes a part file that was neither committed nor kept, and
// gives the output up.
func (o *reportOut) abandon() {
	if o.part != nil && !o.committed && !o.kept {
		o.part.abandon()
	}
	o.lease.Release()
}

// key identifies the command: everything that shapes the output.
func (r *Report) key(out string) string {
	return runKey("report", r.ConnectionID, r.Account, r.Entity, strings.Join(r.IDs, ","),
		r.Start.Format(time.RFC3339), r.End.Format(time.RFC3339), r.Granularity, strings.Join(r.Metrics, ","),
		r.Placement, r.Segment, out)
}

// open opens the output and finds or starts the run: a file output with a
// Store resumes an unfinished run of the same command (with Resume), or
// starts over.
func (r *Report) open(ctx context.Context, jobs int) (*reportOut, reportState, error) {
	st := reportState{jobs: map[int]string{}}
	if r.Out == "" || r.Out == "-" {
		return &reportOut{Writer: r.Stdout}, st, nil
	}
	path, err := filepath.Abs(r.Out)
	if err != nil {
		return nil, st, err
	}
	out := &reportOut{}
	if r.Store != nil {
		out.lease, err = holdOutput(ctx, r.Store, path, store.Owner{RunID: newID(), ConnectionID: r.ConnectionID, What: r.what(path)})
		if err != nil {
			return nil, st, err
		}
	}
	f, err := openPart(path)
	if err != nil {
		out.lease.Release()
		return nil, st, err
	}
	out.Writer, out.part = f, f
	st, err = r.begin(ctx, path, f, jobs)
	if err != nil {
		f.release()
		out.lease.Release()
		return nil, st, err
	}
	return out, st, nil
}

// what describes the command, for messages of other commands.
func (r *Report) what(out string) string {
	s := fmt.Sprintf("report of %s %s of account %s from %s to %s", plural(len(r.IDs), r.Entity), strings.Join(r.Metrics, ","),
		r.Account, r.Start.Format(time.DateOnly), r.End.Format(time.DateOnly))
	if r.ConnectionName != "" {
		s += fmt.Sprintf(" through connection %q", r.ConnectionName)
	}
	return s + " to " + out
}

// begin brings the part file to the run's checkpoint. It changes nothing
// when it refuses.
func (r *Report) begin(ctx context.Context, path string, f *partFile, jobs int) (reportState, error) {
	if r.Store == nil {
		return reportState{jobs: map[int]string{}}, f.cut(0)
	}
	key := r.key(path)
	run, err := r.Store.ReportRun(ctx, key)
	if err != nil && !errors.Is(err, store.ErrNoRun) {
		return reportState{}, err
	}
	owners, oerr := partOwners(ctx, r.Store, path, key)
	if oerr != nil {
		return reportState{}, oerr
	}
	if len(owners) > 0 && !r.Restart {
		return reportState{}, ownedError(path, owners, true)
	}
	unfinished := err == nil && !run.Done && (run.JobsDone > 0 || len(run.Jobs) > 0)
	switch {
	case unfinished && !r.Restart:
		if !r.Resume {
			return reportState{}, fmt.Errorf("%w (%s): %d of %s were created and the rows of %d were saved (%s), last at %s; run the same command with ⟪resume⟫ to continue it, or with ⟪restart⟫ to start over",
				ErrUnfinishedReport, path, len(run.Jobs), plural(jobs, "job"), run.JobsDone, plural64(run.Rows, "row"), run.UpdatedAt.Format(time.DateTime))
		}
		for seq := range run.Jobs {
			if seq >= jobs {
				return reportState{}, fmt.Errorf("the checkpoint of %s does not match this report's %s (it was saved by another version of integrator): start over with ⟪restart⟫", path, plural(jobs, "job"))
			}
		}
		st := reportState{runID: run.ID, offset: run.Offset, jobsDone: run.JobsDone, rows: run.Rows, jobs: run.Jobs, resumed: true}
		info, err := f.Stat()
		if err != nil {
			return reportState{}, err
		}
		if info.Size() < run.Offset && run.JobsDone == jobs && sameSize(path, run.Offset) {
			st.placed = true // the file was put in place just before the crash
			return st, nil
		}
		if err := f.resumeAt(run.Offset, run.Digest); err != nil {
			return reportState{}, err
		}
		note := fmt.Sprintf("Resuming the report to %s after %d of %s (%s)", path, run.JobsDone, plural(jobs, "job"), plural64(run.Rows, "row"))
		if pending := len(run.Jobs) - run.JobsDone; pending > 0 {
			note += fmt.Sprintf("; polling the %s the earlier run created and did not download", plural(pending, "job"))
		}
		r.Progress.Note("%s", note)
		return st, nil
	case r.Resume && !r.Restart:
		if err == nil && run.Done {
			return reportState{}, fmt.Errorf("%w: the report to %s finished at %s; run it without ⟪resume⟫ to run it again", ErrNothingToResume, path, run.UpdatedAt.Format(time.DateTime))
		}
		return reportState{}, fmt.Errorf("%w: no run of this report to %s created a job or saved a row; run it without ⟪resume⟫ to start", ErrNothingToResume, path)
	}
	if err := discard(ctx, r.Store, owners); err != nil {
		return reportState{}, err
	}
	id := newID()
	if err := r.Store.StartReportRun(ctx, store.ReportRun{ID: id, ConnectionID: r.ConnectionID, RunKey: key, OutPath: path, What: r.what(path)}); err != nil {
		return reportState{}, err
	}
	return reportState{runID: id, jobs: map[int]string{}}, f.cut(0)
}

// saveJob records a created job, so that a resumed run polls it instead of
// creating it again.
func (r *Report) saveJob(ctx context.Context, st *reportState, j *reportJob) error {
	st.jobs[j.seq] = j.id
	if st.runID == "" {
		return nil
	}
	return r.Store.RecordReportJob(ctx, st.runID, j.seq, j.id)
}

// checkpoint records a downloaded job's n bytes and rows, once they are
// synced. st moves on only once the checkpoint holds, so that what is
// reported as saved is what a resumed run finds.
func (r *Report) checkpoint(ctx context.Context, out *reportOut, st *reportState, n, rows int64) error {
	if st.runID != "" {
		if err := out.part.Sync(); err != nil {
			return err
		}
		if err := r.Store.CheckpointReport(ctx, st.runID, st.offset+n, st.jobsDone+1, st.rows+rows, out.part.digest()); err != nil {
			return fmt.Errorf("saving the checkpoint: %w", err)
		}
	}
	st.jobsDone++
	st.rows += rows
	st.offset += n
	return nil
}

// finish marks the run done once its output is in place.
func (r *Report) finish(ctx context.Context, st reportState) error {
	if st.runID == "" {
		return nil
	}
	return r.Store.FinishReportRun(ctx, st.runID)
}
