package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

// A run of the history is recorded as running, ended with its outcome,
// resumed (one more attempt, running again) and found by another handle
// on the same home, newest first; it outlives its connection.
func TestHistoryRuns(t *testing.T) { eachBackend(t, testHistoryRuns) }

func testHistoryRuns(t *testing.T, be backend) {
	ctx := context.Background()
	home := be.place(t)
	s := open(t, home)
	if err := s.Create(ctx, conn("c1", "ads")); err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	for i, id := range []string{"r1", "r2"} {
		r := HistoryRun{ID: id, Kind: "export", ConnectionID: "c1", Connection: "Prod", What: "export of x", Options: `{"Path":"x"}`,
			StartedAt: t0.Add(time.Duration(i) * time.Second)}
		if err := s.AddHistoryRun(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.EndHistoryRun(ctx, "r1", OutcomeStopped, 30, "Exported 30 records", "interrupted"); err != nil {
		t.Fatal(err)
	}
	other := open(t, home)
	r1, err := other.HistoryRun(ctx, "r1")
	if err != nil || r1.Outcome != OutcomeStopped || r1.Records != 30 || r1.Error != "interrupted" || r1.EndedAt.IsZero() || r1.Attempts != 1 ||
		r1.Connection != "Prod" || r1.Options != `{"Path":"x"}` {
		t.Fatalf("r1: %+v, %v", r1, err)
	}
	if err := s.ResumeHistoryRun(ctx, "r1", `{"Path":"x","Resume":true}`); err != nil {
		t.Fatal(err)
	}
	r1, _ = other.HistoryRun(ctx, "r1")
	if r1.Outcome != OutcomeRunning || r1.Attempts != 2 || !r1.EndedAt.IsZero() || r1.Error != "" || r1.Options != `{"Path":"x","Resume":true}` {
		t.Errorf("r1 resumed: %+v", r1)
	}
	if err := s.Delete(ctx, "ads"); err != nil {
		t.Fatal(err)
	}
	all, err := other.HistoryRuns(ctx, 10)
	if err != nil || len(all) != 2 || all[0].ID != "r2" || all[1].ID != "r1" {
		t.Errorf("history: %+v, %v", all, err)
	}
	if _, err := s.HistoryRun(ctx, "nope"); !errors.Is(err, ErrNoRun) {
		t.Errorf("an unknown run: %v", err)
	}
	if err := s.EndHistoryRun(ctx, "nope", OutcomeOK, 0, "", ""); !errors.Is(err, ErrNoRun) {
		t.Errorf("ending an unknown run: %v", err)
	}
}

// A run's hold is seen by another handle while it is taken, refused to a
// second taker, and free once released.
func TestRunHold(t *testing.T) { eachBackend(t, testRunHold) }

func testRunHold(t *testing.T, be backend) {
	home := be.place(t)
	s, other := open(t, home), open(t, home)
	h, err := s.HoldRun("r1")
	if err != nil {
		t.Fatal(err)
	}
	if held, err := other.RunHeld("r1"); err != nil || !held {
		t.Errorf("held while taken: %v, %v", held, err)
	}
	var busy *BusyError
	if _, err := other.HoldRun("r1"); !errors.As(err, &busy) {
		t.Errorf("a second hold: %v", err)
	}
	if held, _ := other.RunHeld("r2"); held {
		t.Error("another run is held")
	}
	h.Release()
	if held, err := other.RunHeld("r1"); err != nil || held {
		t.Errorf("held after release: %v, %v", held, err)
	}
}
