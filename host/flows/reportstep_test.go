package flows

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
)

// stepAll takes the steps of every job of r, as queued jobs do, each
// from the state the previous step saved (kept apart per job, as the
// store keeps it), and returns their rows in plan order and how many
// steps waited.
func stepAll(t *testing.T, r *Report, states map[int]*ReportJobState) (string, int) {
	t.Helper()
	n, err := r.Jobs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	waits := 0
	for seq := range n {
		var rows bytes.Buffer
		for {
			saved := states[seq]
			if saved == nil {
				saved = &ReportJobState{}
			}
			st := *saved // each step starts from what is saved
			step, err := r.StepJob(context.Background(), seq, &st, func(_ context.Context, s ReportJobState) error {
				states[seq] = &s
				return nil
			}, &rows)
			if err != nil {
				t.Fatalf("job %d: %v", seq, err)
			}
			if step.Done {
				break
			}
			if step.Wait <= 0 {
				t.Fatalf("job %d: a step that is not done waits %v", seq, step.Wait)
			}
			waits++
		}
		out.Write(rows.Bytes())
	}
	return out.String(), waits
}

// Taken step by step, each job created once and polled until the API has
// its result, a report gives the rows the report in one process writes,
// in the same order; a job refused for too many processing is created
// again at a later step.
func TestReportStepsEqualOneRun(t *testing.T) {
	api := newStatsAPI()
	p, _ := fakePlugin(api.serve)
	one := testReport(p, 45, 120)
	one.Out = filepath.Join(t.TempDir(), "report.jsonl")
	if _, err := one.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := withoutJobIDs(t, readFile(t, one.Out))

	queued := newStatsAPI()
	queued.tooMany, queued.notFound = 1, 1
	q, _ := fakePlugin(queued.serve)
	states := map[int]*ReportJobState{}
	got, waits := stepAll(t, testReport(q, 45, 120), states)
	if withoutJobIDs(t, got) != want {
		t.Errorf("rows by steps:\n%s\nwant:\n%s", got, want)
	}
	if len(queued.created) != 6 {
		t.Errorf("%d jobs created for a plan of 6", len(queued.created))
	}
	// A created job waits at least for its PROCESSING poll and its poll
	// with no url; the refused create waited too.
	if waits < 6*2+1 {
		t.Errorf("%d steps waited", waits)
	}
	for seq, st := range states {
		if st.ID == "" || st.Creates != 1 {
			t.Errorf("job %d's saved state: %+v", seq, st)
		}
	}
}

// A job whose step ended after its create (the worker died) is polled by
// the next step, not created again: the id is saved before the step ends.
func TestReportStepSavesTheJobIDFirst(t *testing.T) {
	api := newStatsAPI()
	p, _ := fakePlugin(api.serve)
	r := testReport(p, 3, 10)
	var st ReportJobState
	var saved []ReportJobState
	save := func(_ context.Context, s ReportJobState) error { saved = append(saved, s); return nil }
	var rows bytes.Buffer
	step, err := r.StepJob(context.Background(), 0, &st, save, &rows)
	if err != nil || step.Done || len(saved) != 1 || saved[0].ID == "" {
		t.Fatalf("first step: %+v %v, saved %+v", step, err, saved)
	}
	// A new worker, from what was saved.
	st = saved[0]
	for !step.Done {
		if step, err = testReport(p, 3, 10).StepJob(context.Background(), 0, &st, save, &rows); err != nil {
			t.Fatal(err)
		}
	}
	if len(api.created) != 1 || step.Rows != 3 {
		t.Errorf("%d jobs created, %d rows", len(api.created), step.Rows)
	}
	// A job the API forgot is created again.
	api.mu.Lock()
	api.jobs = map[string]*fakeJob{}
	api.mu.Unlock()
	st = ReportJobState{ID: saved[0].ID, Creates: 1}
	if step, err = r.StepJob(context.Background(), 0, &st, save, &rows); err != nil || step.Done || st.ID == saved[0].ID || st.Creates != 2 {
		t.Errorf("forgotten job: %+v %v, state %+v", step, err, st)
	}
	if _, err := r.StepJob(context.Background(), 7, &ReportJobState{}, save, &rows); err == nil {
		t.Error("a job beyond the plan: no error")
	}
}
