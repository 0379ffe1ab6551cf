package app

import (
	"errors"
	"testing"
	"time"

	"github.com/openintegrator/integrator/host/store"
)

// runs show and wait see a console run that the history holds as running
// but that no process holds (its process died) as stopped, as the
// console does: wait returns instead of waiting for ever. A queued run
// (no process holds it: the workers run it) stays as it is.
func TestRunStatusOfADeadConsoleRun(t *testing.T) {
	a, _, _ := testApp(t)
	ctx := testCtx(t)
	st, err := a.store(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.AddHistoryRun(ctx, store.HistoryRun{ID: "0123456789abcdef", Kind: "export", ConnectionID: "c", Connection: "c",
		What: "w", Options: "{}", StartedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	r, err := a.WaitRun(ctx, "0123456789abcdef", time.Millisecond, nil)
	if err != nil || r.Outcome != OutcomeStopped || r.Error == "" {
		t.Fatalf("%+v %v; want stopped, saying why", r, err)
	}
	if err := st.QueueRun(ctx, store.HistoryRun{ID: "fedcba9876543210", Kind: "export", ConnectionID: "c", Connection: "c",
		What: "w", Options: `{"queued":true}`, StartedAt: time.Now()}, nil); err != nil {
		t.Fatal(err)
	}
	if err := st.StartQueuedRun(ctx, "fedcba9876543210"); err != nil {
		t.Fatal(err)
	}
	if r, err := a.RunStatusOf(ctx, "fedcba9876543210"); err != nil || r.Outcome != OutcomeRunning || !r.Queued {
		t.Fatalf("a queued run: %+v %v", r, err)
	}
	var nf *RunNotFoundError
	if _, err := a.RunStatusOf(ctx, "0000000000000000"); !errors.As(err, &nf) {
		t.Errorf("no such run: %v", err)
	}
}

// runs show and wait count a queued import's records as its chunks end
// (their results), while it runs: not 0 until its end.
func TestRunStatusCountsAQueuedImportsResultsWhileItRuns(t *testing.T) {
	a, _, _ := testApp(t)
	ctx := testCtx(t)
	st, err := a.store(ctx)
	if err != nil {
		t.Fatal(err)
	}
	const id = "0123456789abcdef"
	if err := st.QueueRun(ctx, store.HistoryRun{ID: id, Kind: "import", ConnectionID: "c", Connection: "c",
		What: "w", Options: `{"queued":true}`, StartedAt: time.Now()}, nil); err != nil {
		t.Fatal(err)
	}
	if err := st.StartQueuedRun(ctx, id); err != nil {
		t.Fatal(err)
	}
	if err := st.PutArtifacts(ctx, []store.Artifact{
		{RunID: id, Name: store.ArtifactResults, Seq: 0, Data: []byte("{}\n"), Records: 100},
		{RunID: id, Name: store.ArtifactResults, Seq: 2, Data: []byte("{}\n"), Records: 50},
		{RunID: id, Name: store.ArtifactErrors, Seq: 2, Data: []byte("x\n"), Records: 1},
	}, nil); err != nil {
		t.Fatal(err)
	}
	if r, err := a.RunStatusOf(ctx, id); err != nil || r.Outcome != OutcomeRunning || r.Records != 150 {
		t.Fatalf("a queued import with two chunks of 100 and 50 records done: %+v %v; want 150 records, running", r, err)
	}
}
