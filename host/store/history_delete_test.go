package store

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"
)

// Deleting an ended run deletes its history row, its artifacts and a
// queued export's checkpoint, in one transaction, and says how many bytes
// it gave back; it keeps the import ledger and one-process checkpoints.
// A run in progress, and a run whose also hook refuses, are not deleted
// (nothing changes); an unknown run is ErrNoRun.
func TestDeleteRun(t *testing.T) { eachBackend(t, testDeleteRun) }

func testDeleteRun(t *testing.T, be backend) {
	ctx := context.Background()
	s := open(t, be.place(t))
	if err := s.Create(ctx, conn("c1", "c1")); err != nil {
		t.Fatal(err)
	}
	queued := func(id, kind string) {
		t.Helper()
		h := HistoryRun{ID: id, Kind: kind, ConnectionID: "c1", Connection: "c1", What: "w", Options: `{"queued":true}`, StartedAt: time.Now()}
		if err := s.QueueRun(ctx, h, nil); err != nil {
			t.Fatal(err)
		}
	}
	queued("done", "export")
	queued("busy", "import")
	if _, err := s.StartQueuedExport(ctx, ExportRun{ID: "done", ConnectionID: "c1", What: "export"}); err != nil {
		t.Fatal(err)
	}
	next := "c2"
	if err := s.CheckpointExportPage(ctx, "done", &next, 2, 1, 1, 10, []byte("0123456789abcdef"),
		Artifact{RunID: "done", Name: ArtifactOutput, Seq: 0, Data: []byte("a\n"), Records: 1}, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.AddArtifacts(ctx, []Artifact{
		{RunID: "done", Name: ArtifactOutput, Seq: 1, Data: []byte("bcd\n"), Records: 1},
		{RunID: "busy", Name: ArtifactInput, Seq: 0, Data: []byte("{}\n"), Records: 1},
	}, nil); err != nil {
		t.Fatal(err)
	}
	// A one-process export's checkpoint, and the import ledger, of the
	// same connection.
	if err := s.StartExportRun(ctx, ExportRun{ID: "cli", ConnectionID: "c1", RunKey: "export-key", OutPath: "/x"}); err != nil {
		t.Fatal(err)
	}
	l := Ledger{ConnectionID: "c1", Scope: "import-scope"}
	key := RecordKey{Hash: "r1", Occurrence: 1}
	if err := s.ApplyLedger(ctx, l, []*LedgerOp{{Claim: []RecordKey{key}, Policy: ClaimPolicy{RunID: "done"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.EndQueuedRun(ctx, "done", OutcomeOK, 2, "2 records", "", nil); err != nil {
		t.Fatal(err)
	}

	// In progress: refused, nothing changes.
	var ip *RunInProgressError
	if _, err := s.DeleteRun(ctx, "busy", nil); !errors.As(err, &ip) || ip.ID != "busy" || ip.Outcome != OutcomeQueued {
		t.Fatalf("deleting a queued run: %v; want a RunInProgressError", err)
	}
	if tot, _ := s.ArtifactTotals(ctx, "busy", ArtifactInput); tot.Pieces != 1 {
		t.Errorf("a refused delete deleted the run's input: %+v", tot)
	}
	// A hook that refuses: nothing changes.
	boom := errors.New("boom")
	if _, err := s.DeleteRun(ctx, "done", func(*sql.Tx) error { return boom }); !errors.Is(err, boom) {
		t.Fatalf("a refusing hook: %v", err)
	}
	if _, err := s.HistoryRun(ctx, "done"); err != nil {
		t.Fatalf("a refused delete deleted the run: %v", err)
	}
	if tot, _ := s.ArtifactTotals(ctx, "done", ArtifactOutput); tot.Pieces != 2 {
		t.Errorf("a refused delete deleted the run's output: %+v", tot)
	}

	d, err := s.DeleteRun(ctx, "done", nil)
	if err != nil || d.Pieces != 2 || d.Bytes != 6 || d.Kind != "export" || d.Outcome != OutcomeOK {
		t.Fatalf("deleting an ended run: %+v %v; want 2 pieces of 6 bytes", d, err)
	}
	if _, err := s.HistoryRun(ctx, "done"); !errors.Is(err, ErrNoRun) {
		t.Errorf("the deleted run is still in the history: %v", err)
	}
	if tot, _ := s.ArtifactTotals(ctx, "done", ArtifactOutput); tot.Pieces != 0 {
		t.Errorf("the deleted run's output is still stored: %+v", tot)
	}
	if _, err := s.ExportRun(ctx, QueuedExportKey("done")); !errors.Is(err, ErrNoRun) {
		t.Errorf("the deleted queued export's checkpoint is still stored: %v", err)
	}
	if cs, err := s.ExportCursors(ctx, "done"); err != nil || len(cs) != 0 {
		t.Errorf("the deleted queued export's cursors: %d %v", len(cs), err)
	}
	if _, err := s.ExportRun(ctx, "export-key"); err != nil {
		t.Errorf("a one-process export's checkpoint was deleted: %v", err)
	}
	if rec, ok, err := s.ImportOutcome(ctx, l, key); err != nil || !ok || rec.Owner != "done" {
		t.Errorf("the import ledger lost a record: %+v %v %v", rec, ok, err)
	}
	if tot, _ := s.ArtifactTotals(ctx, "busy", ArtifactInput); tot.Pieces != 1 {
		t.Errorf("another run's input was deleted: %+v", tot)
	}
	if _, err := s.DeleteRun(ctx, "done", nil); !errors.Is(err, ErrNoRun) {
		t.Errorf("deleting it again: %v; want ErrNoRun", err)
	}
}

// EndedRuns lists the runs that ended before a time, never one in
// progress; UnendedRuns lists those in progress (queued and running).
func TestEndedAndUnendedRuns(t *testing.T) { eachBackend(t, testEndedAndUnendedRuns) }

func testEndedAndUnendedRuns(t *testing.T, be backend) {
	ctx := context.Background()
	s := open(t, be.place(t))
	for _, id := range []string{"a", "b", "c"} {
		h := HistoryRun{ID: id, Kind: "export", ConnectionID: "c1", Connection: "c1", What: "w", Options: `{"queued":true}`, StartedAt: time.Now()}
		if err := s.QueueRun(ctx, h, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.StartQueuedRun(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.EndQueuedRun(ctx, "c", OutcomeFailed, 0, "", "x", nil); err != nil {
		t.Fatal(err)
	}
	if got, err := s.EndedRuns(ctx, time.Now().Add(time.Hour)); err != nil || len(got) != 1 || got[0] != "c" {
		t.Errorf("ended before an hour from now: %v %v; want [c]", got, err)
	}
	if got, err := s.EndedRuns(ctx, time.Now().Add(-time.Hour)); err != nil || len(got) != 0 {
		t.Errorf("ended before an hour ago: %v %v; want none", got, err)
	}
	got, err := s.UnendedRuns(ctx)
	if err != nil || len(got) != 2 || got[0].ID != "a" || got[1].ID != "b" {
		t.Errorf("unended runs: %+v %v; want a and b", got, err)
	}
}
