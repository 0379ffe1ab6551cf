package app

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/openintegrator/integrator/host/store"
)

// runs delete (on SQLite here) deletes a console run whose process died
// (runs show says it stopped) and refuses one that a live process holds,
// naming it and what to do, deleting nothing of the list.
func TestDeleteRunsOfTheConsole(t *testing.T) {
	a, _, _ := testApp(t)
	ctx := testCtx(t)
	st, err := a.store(ctx)
	if err != nil {
		t.Fatal(err)
	}
	const dead, live = "0123456789abcdef", "fedcba9876543210"
	for _, id := range []string{dead, live} {
		if err := st.AddHistoryRun(ctx, store.HistoryRun{ID: id, Kind: "export", ConnectionID: "c", Connection: "c",
			What: "w", Options: "{}", StartedAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	hold, err := st.HoldRun(live)
	if err != nil {
		t.Fatal(err)
	}
	defer hold.Release()
	var refused *RunsNotDeletedError
	if _, err := a.DeleteRuns(ctx, []string{dead, live}); !errors.As(err, &refused) || !strings.Contains(err.Error(), "run "+live+" is in progress in a console: stop it there first") {
		t.Fatalf("deleting a run a live process holds: %v", err)
	}
	if _, err := st.HistoryRun(ctx, dead); err != nil {
		t.Fatalf("a refused list deleted a run: %v", err)
	}
	got, err := a.DeleteRuns(ctx, []string{dead, dead})
	if err != nil || len(got) != 1 || got[0].ID != dead || got[0].Outcome != store.OutcomeStopped {
		t.Fatalf("deleting a console run whose process died: %+v %v", got, err)
	}
	if _, err := st.HistoryRun(ctx, dead); !errors.Is(err, store.ErrNoRun) {
		t.Errorf("the deleted run: %v", err)
	}
}

// On PostgreSQL, a queued run that ended while a job of it may still run
// (cancelled while its job ran) is not deleted until the job has ended:
// runs delete refuses it, saying why, and --older-than keeps it, saying
// why; once its jobs are done it is deleted with its artifacts.
func TestDeleteRunsWaitsForItsJobs(t *testing.T) {
	a, e, _ := testApp(t)
	pgStore(t, e)
	ctx := testCtx(t)
	const id = "0000000000000006"
	queueTestRun(t, ctx, a, id, "export", laterArgs{RunID: id})
	st, q, err := a.insertQueue(ctx, "test")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.AddArtifacts(ctx, []store.Artifact{{RunID: id, Name: store.ArtifactOutput, Seq: 0, Data: []byte("abc\n"), Records: 1}}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := st.EndQueuedRun(ctx, id, store.OutcomeStopped, 1, "", "cancelled", nil); err != nil {
		t.Fatal(err)
	}
	var refused *RunsNotDeletedError
	if _, err := a.DeleteRuns(ctx, []string{id}); !errors.As(err, &refused) || !strings.Contains(err.Error(), "run "+id+": a job of it is still running") {
		t.Fatalf("deleting a run whose job is live: %v", err)
	}
	deleted, kept, err := a.PruneRuns(ctx, 0)
	if err != nil || len(deleted) != 0 || !strings.Contains(kept[id], "a job of it is still running") {
		t.Fatalf("pruning: deleted %+v, kept %v, %v", deleted, kept, err)
	}
	// Its job ends (here: cancelled, as River does a waiting one).
	db, err := st.QueueDB()
	if err != nil {
		t.Fatal(err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := q.CancelRunJobs(ctx, tx, id); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	got, err := a.DeleteRuns(ctx, []string{id})
	if err != nil || len(got) != 1 || got[0].Bytes != 4 {
		t.Fatalf("deleting it once its jobs are done: %+v %v", got, err)
	}
}
