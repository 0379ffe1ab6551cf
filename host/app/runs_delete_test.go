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
	if _, err := a.DeleteRuns(ctx, []string{dead, live}); !errors.As(err, &refused) || !strings.Contains(err.Error(), "run "+live+" is in progress: cancel it first") {
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
