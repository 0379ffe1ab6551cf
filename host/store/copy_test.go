package store

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

// fill puts one of everything in s.
func fill(t *testing.T, s *Store) {
	t.Helper()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.Create(ctx, conn("c1", "Ads")))
	must(s.RecordTest(ctx, "c1", TestResult{OK: true, Note: "fine"}))
	must(s.Trust(ctx, PluginRecord{Type: "demo", Path: "/p", SHA256: "aa", Version: "1.0.0", Protocol: 1, SpecJSON: "{}"}))
	must(s.StartExportRun(ctx, ExportRun{ID: "e1", ConnectionID: "c1", RunKey: "ek", OutPath: "/o", What: "export"}))
	cur := "c-2"
	must(s.CheckpointExport(ctx, "e1", &cur, 100, 10, 1, 50, "d", []byte("hash")))
	must(s.StartReportRun(ctx, ReportRun{ID: "r1", ConnectionID: "c1", RunKey: "rk", OutPath: "/r", What: "report"}))
	must(s.RecordReportJob(ctx, "r1", 0, "job-0"))
	l := Ledger{ConnectionID: "c1", Scope: "sc"}
	must(s.ApplyLedger(ctx, l, []*LedgerOp{{Record: []ImportRecord{{Key: RecordKey{"h", 1}, State: ImportOK, Status: 200, CreatedID: "x1", Owner: "run"}}}}))
}

// state is what a store holds, as its methods read it.
func state(t *testing.T, s *Store) string {
	t.Helper()
	ctx := context.Background()
	c, err := s.Get(ctx, "ads")
	if err != nil {
		t.Fatal(err)
	}
	p, _ := s.Plugin(ctx, "demo")
	e, _ := s.ExportRun(ctx, "ek")
	hs, _ := s.ExportCursors(ctx, "e1")
	r, _ := s.ReportRun(ctx, "rk")
	rec, _, _ := s.ImportOutcome(ctx, Ledger{ConnectionID: "c1", Scope: "sc"}, RecordKey{"h", 1})
	return fmt.Sprintf("%s %s %v %q %v/%s | %s %s %s | %s %v %d %d %d %s %q | %s %d %v | %s %d %s",
		c.ID, c.Name, c.Values, c.Secrets["password"].Ciphertext, c.LastTest.OK, c.LastTest.Note,
		p.Type, p.SHA256, p.SpecJSON,
		e.ID, *e.Cursor, e.Offset, e.Pages, e.Total, e.Digest, hs,
		r.ID, r.JobsDone, r.Jobs,
		rec.State, rec.Status, rec.CreatedID)
}

// store copy moves every kind of row, secrets still sealed, from SQLite
// to the other backend and back; a target that holds data is refused
// unless replacing is asked for, and a source with a run in progress is
// refused.
func TestCopy(t *testing.T) { eachBackend(t, testCopy) }

func testCopy(t *testing.T, be backend) {
	ctx := context.Background()
	src := open(t, sqliteBackend.place(t))
	fill(t, src)
	want := state(t, src)
	dst := open(t, be.place(t))
	n, err := Copy(ctx, src, dst, false)
	if err != nil {
		t.Fatal(err)
	}
	if n.Rows["connection_secrets"] != 1 || n.Rows["import_ledger"] != 1 || n.Rows["export_cursors"] != 1 {
		t.Errorf("copied %v", n.Rows)
	}
	if got := state(t, dst); got != want {
		t.Fatalf("copied store:\n got %s\nwant %s", got, want)
	}
	// And back, into a fresh SQLite store.
	back := open(t, sqliteBackend.place(t))
	if _, err := Copy(ctx, dst, back, false); err != nil {
		t.Fatal(err)
	}
	if got := state(t, back); got != want {
		t.Fatalf("copied back:\n got %s\nwant %s", got, want)
	}
	// A target with data is refused and keeps it.
	if err := src.RecordTest(ctx, "c1", TestResult{OK: false, Note: "changed"}); err != nil {
		t.Fatal(err)
	}
	if _, err := Copy(ctx, src, dst, false); !errors.Is(err, ErrTargetNotEmpty) {
		t.Fatalf("copy into a full store: %v", err)
	}
	if got := state(t, dst); got != want {
		t.Fatalf("a refused copy changed the target:\n got %s\nwant %s", got, want)
	}
	if _, err := Copy(ctx, src, dst, true); err != nil {
		t.Fatal(err)
	}
	if got, want := state(t, dst), state(t, src); got != want {
		t.Fatalf("replaced:\n got %s\nwant %s", got, want)
	}
	// A run in progress on the source is refused.
	l, err := src.Acquire(ctx, Owner{Key: "export:o", RunID: "live", ConnectionID: "c1", What: "export of x"})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	if _, err := Copy(ctx, src, open(t, be.place(t)), false); !errors.Is(err, ErrInUse) {
		t.Fatalf("copy during a run: %v", err)
	}
}
