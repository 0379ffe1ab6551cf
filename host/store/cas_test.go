package store

import (
	"context"
	"errors"
	"testing"
)

// Two processes work on one export (a stale one that read page 1, and
// the one that moved on): the stale one's checkpoint is refused and
// changes nothing, so it can never rewind the run. Reports alike.
func TestCheckpointsAdvanceByCompareAndSet(t *testing.T) {
	eachBackend(t, testCheckpointsAdvanceByCompareAndSet)
}

func testCheckpointsAdvanceByCompareAndSet(t *testing.T, be backend) {
	ctx := context.Background()
	place := be.place(t)
	s, stale := open(t, place), open(t, place)
	if err := s.Create(ctx, conn("c1", "ads")); err != nil {
		t.Fatal(err)
	}
	if err := s.StartExportRun(ctx, ExportRun{ID: "r1", ConnectionID: "c1", RunKey: "k1", OutPath: "/o"}); err != nil {
		t.Fatal(err)
	}
	c1, c2 := "c-1", "c-2"
	if err := s.CheckpointExport(ctx, "r1", &c1, 100, 10, 1, -1, "d1", nil); err != nil {
		t.Fatal(err)
	}
	if err := s.CheckpointExport(ctx, "r1", &c2, 200, 20, 2, -1, "d2", nil); err != nil {
		t.Fatal(err)
	}
	// The stale process writes its page 2 again, then its page 1.
	for _, pages := range []int64{2, 1, 5} {
		err := stale.CheckpointExport(ctx, "r1", &c1, 150, 15, pages, -1, "stale", nil)
		if !errors.Is(err, ErrStaleCheckpoint) {
			t.Errorf("stale checkpoint of page %d: %v", pages, err)
		}
	}
	r, err := s.ExportRun(ctx, "k1")
	if err != nil || r.Pages != 2 || r.Offset != 200 || r.Digest != "d2" || *r.Cursor != "c-2" {
		t.Fatalf("after the stale checkpoints: %+v %v", r, err)
	}
	if err := s.FinishExportRun(ctx, "r1"); err != nil {
		t.Fatal(err)
	}
	if err := stale.CheckpointExport(ctx, "r1", &c1, 300, 30, 3, -1, "late", nil); !errors.Is(err, ErrStaleCheckpoint) {
		t.Errorf("a checkpoint after the run was done: %v", err)
	}

	if err := s.StartReportRun(ctx, ReportRun{ID: "q1", ConnectionID: "c1", RunKey: "rk", OutPath: "/r"}); err != nil {
		t.Fatal(err)
	}
	if err := s.CheckpointReport(ctx, "q1", 100, 1, 5, "d1"); err != nil {
		t.Fatal(err)
	}
	for _, jobs := range []int{1, 3} {
		if err := stale.CheckpointReport(ctx, "q1", 50, jobs, 2, "stale"); !errors.Is(err, ErrStaleCheckpoint) {
			t.Errorf("stale report checkpoint of job %d: %v", jobs, err)
		}
	}
	q, err := s.ReportRun(ctx, "rk")
	if err != nil || q.JobsDone != 1 || q.Offset != 100 || q.Digest != "d1" {
		t.Fatalf("report after the stale checkpoints: %+v %v", q, err)
	}
}
