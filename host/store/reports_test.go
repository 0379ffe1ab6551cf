package store

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestReportRunCheckpoints(t *testing.T) { eachBackend(t, testReportRunCheckpoints) }

func testReportRunCheckpoints(t *testing.T, be backend) {
	ctx := context.Background()
	home := be.place(t)
	s := open(t, home)
	if err := s.Create(ctx, conn("c1", "a")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ReportRun(ctx, "k1"); !errors.Is(err, ErrNoRun) {
		t.Fatalf("before any run: %v", err)
	}
	if err := s.StartReportRun(ctx, ReportRun{ID: "r1", ConnectionID: "c1", RunKey: "k1", OutPath: "/tmp/r.jsonl"}); err != nil {
		t.Fatal(err)
	}
	for seq, id := range map[int]string{0: "j0", 1: "j1", 2: "j2"} {
		if err := s.RecordReportJob(ctx, "r1", seq, id); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.RecordReportJob(ctx, "r1", 1, "j1b"); err != nil { // created again
		t.Fatal(err)
	}
	if err := s.CheckpointReport(ctx, "r1", 4096, 1, 30, "d1"); err != nil {
		t.Fatal(err)
	}
	// A second process sees the checkpoint and the jobs.
	r, err := open(t, home).ReportRun(ctx, "k1")
	if err != nil || r.ID != "r1" || r.Offset != 4096 || r.JobsDone != 1 || r.Rows != 30 || r.Done || r.OutPath != "/tmp/r.jsonl" {
		t.Fatalf("after a job: %+v %v", r, err)
	}
	if diff := cmp.Diff(map[int]string{0: "j0", 1: "j1b", 2: "j2"}, r.Jobs); diff != "" {
		t.Errorf("jobs (-want +got):\n%s", diff)
	}
	if err := s.FinishReportRun(ctx, "r1"); err != nil {
		t.Fatal(err)
	}
	if r, _ = s.ReportRun(ctx, "k1"); !r.Done || len(r.Jobs) != 0 || r.Offset != 4096 {
		t.Fatalf("finished: %+v", r)
	}
	// Starting again replaces the run and its jobs.
	if err := s.StartReportRun(ctx, ReportRun{ID: "r2", ConnectionID: "c1", RunKey: "k1", OutPath: "/tmp/r.jsonl"}); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordReportJob(ctx, "r2", 0, "x"); err != nil {
		t.Fatal(err)
	}
	if r, _ = s.ReportRun(ctx, "k1"); r.ID != "r2" || r.Done || r.Offset != 0 || len(r.Jobs) != 1 {
		t.Fatalf("restarted: %+v", r)
	}
	if err := s.CheckpointReport(ctx, "r1", 1, 1, 1, ""); !errors.Is(err, ErrNoRun) {
		t.Errorf("checkpoint of a replaced run: %v", err)
	}
	if err := s.DeleteReportRun(ctx, "k1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ReportRun(ctx, "k1"); !errors.Is(err, ErrNoRun) {
		t.Errorf("after delete: %v", err)
	}
	// Deleting the connection deletes its runs.
	if err := s.StartReportRun(ctx, ReportRun{ID: "r3", ConnectionID: "c1", RunKey: "k3", OutPath: "x"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ReportRun(ctx, "k3"); !errors.Is(err, ErrNoRun) {
		t.Errorf("a deleted connection's run: %v", err)
	}
}
