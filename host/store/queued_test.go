package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"
)

// A queued export's page, its checkpoint and the hook's work commit in
// one transaction: a page that does not follow the checkpoint (a stale
// worker's) changes nothing, neither its artifact nor the hook's row.
func TestCheckpointExportPageIsOneTransaction(t *testing.T) {
	eachBackend(t, testCheckpointExportPageIsOneTransaction)
}

func testCheckpointExportPageIsOneTransaction(t *testing.T, be backend) {
	ctx := context.Background()
	s := open(t, be.place(t))
	if err := s.Create(ctx, conn("c1", "c1")); err != nil {
		t.Fatal(err)
	}
	r, err := s.StartQueuedExport(ctx, ExportRun{ID: "q1", ConnectionID: "c1", What: "export"})
	if err != nil || r.Pages != 0 || r.RunKey != QueuedExportKey("q1") {
		t.Fatalf("%+v %v", r, err)
	}
	next := "c2"
	page := func(seq int64, data string) Artifact {
		return Artifact{RunID: "q1", Name: ArtifactOutput, Seq: seq, Data: []byte(data), Records: 1}
	}
	hooked := 0
	hook := func(tx *sql.Tx) error { hooked++; return nil }
	if err := s.CheckpointExportPage(ctx, "q1", &next, 2, 1, 1, 10, []byte("0123456789abcdef"), page(0, "a\n"), hook); err != nil {
		t.Fatal(err)
	}
	// A stale worker stores page 1 again: refused, nothing changes.
	err = s.CheckpointExportPage(ctx, "q1", &next, 2, 1, 1, 10, nil, page(0, "x\n"), hook)
	if !errors.Is(err, ErrStaleCheckpoint) {
		t.Fatalf("a stale page: %v", err)
	}
	// A failing hook undoes the page and its checkpoint.
	boom := errors.New("boom")
	err = s.CheckpointExportPage(ctx, "q1", nil, 4, 2, 2, 10, nil, page(1, "b\n"), func(*sql.Tx) error { return boom })
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if _, err := s.WriteArtifact(ctx, "q1", ArtifactOutput, &b); err != nil || b.String() != "a\n" || hooked != 1 {
		t.Fatalf("output %q (%v), hook ran %d times", b.String(), err, hooked)
	}
	got, _ := s.StartQueuedExport(ctx, ExportRun{ID: "q1", ConnectionID: "c1"})
	if got.Pages != 1 || got.Cursor == nil || *got.Cursor != "c2" || got.Total != 10 {
		t.Fatalf("the checkpoint: %+v", got)
	}
	if err := s.CheckpointExportPage(ctx, "q1", nil, 4, 2, 2, 10, nil, page(1, "b\n"), nil); err != nil {
		t.Fatal(err)
	}
	if got, _ = s.StartQueuedExport(ctx, ExportRun{ID: "q1"}); !got.Complete() {
		t.Errorf("after the last page: %+v", got)
	}
}

// A queued run goes queued, running, then its first end stays: a run
// cancelled (stopped) while its last page was stored is not made ok.
func TestQueuedRunFirstEndStays(t *testing.T) { eachBackend(t, testQueuedRunFirstEndStays) }

func testQueuedRunFirstEndStays(t *testing.T, be backend) {
	ctx := context.Background()
	s := open(t, be.place(t))
	h := HistoryRun{ID: "q1", Kind: "export", ConnectionID: "c1", Connection: "c1", What: "w", Options: `{"queued":true}`, StartedAt: time.Now()}
	if err := s.QueueRun(ctx, h, nil); err != nil {
		t.Fatal(err)
	}
	outcome := func() string {
		r, err := s.HistoryRun(ctx, "q1")
		if err != nil {
			t.Fatal(err)
		}
		return r.Outcome
	}
	if outcome() != OutcomeQueued {
		t.Fatal(outcome())
	}
	if err := s.StartQueuedRun(ctx, "q1"); err != nil || outcome() != OutcomeRunning {
		t.Fatal(err, outcome())
	}
	cancelled := false
	ended, err := s.EndQueuedRun(ctx, "q1", OutcomeStopped, 3, "", "cancelled", func(*sql.Tx) error { cancelled = true; return nil })
	if err != nil || !ended || !cancelled || outcome() != OutcomeStopped {
		t.Fatal(ended, err, cancelled, outcome())
	}
	ended, err = s.EndQueuedRun(ctx, "q1", OutcomeOK, 5, "5 records", "", nil)
	if err != nil || ended || outcome() != OutcomeStopped {
		t.Fatalf("a second end: %v %v, outcome %s", ended, err, outcome())
	}
	if err := s.StartQueuedRun(ctx, "q1"); err != nil || outcome() != OutcomeStopped {
		t.Fatalf("a worker starting an ended run made it %s (%v)", outcome(), err)
	}
	if _, err := s.EndQueuedRun(ctx, "nope", OutcomeOK, 0, "", "", nil); !errors.Is(err, ErrNoRun) {
		t.Errorf("ending no run: %v", err)
	}
	_, qerr := s.QueueDB()
	if (be.name == "sqlite") != errors.Is(qerr, ErrNoQueue) {
		t.Errorf("QueueDB on %s: %v", be.name, qerr)
	}
}
