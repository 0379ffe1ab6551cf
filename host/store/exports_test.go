package store

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"
)

func TestExportRunCheckpoints(t *testing.T) { eachBackend(t, testExportRunCheckpoints) }

func testExportRunCheckpoints(t *testing.T, be backend) {
	ctx := context.Background()
	home := be.place(t)
	s := open(t, home)
	if err := s.Create(ctx, conn("c1", "ads")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ExportRun(ctx, "k1"); !errors.Is(err, ErrNoRun) {
		t.Fatalf("no run yet: %v", err)
	}
	if err := s.StartExportRun(ctx, ExportRun{ID: "r1", ConnectionID: "c1", RunKey: "k1", OutPath: "/tmp/out.jsonl"}); err != nil {
		t.Fatal(err)
	}
	r, err := s.ExportRun(ctx, "k1")
	if err != nil || r.ID != "r1" || r.Cursor != nil || r.Pages != 0 || r.Complete() || r.OutPath != "/tmp/out.jsonl" || r.Total != -1 {
		t.Fatalf("new run: %+v %v", r, err)
	}
	next := "c-200"
	if err := s.CheckpointExport(ctx, "r1", &next, 4096, 200, 1, 250, "d1", []byte("h-200")); err != nil {
		t.Fatal(err)
	}
	// A second process sees the checkpoint.
	r, err = open(t, home).ExportRun(ctx, "k1")
	if err != nil || r.Cursor == nil || *r.Cursor != "c-200" || r.Offset != 4096 || r.Records != 200 || r.Pages != 1 || r.Total != 250 || r.Digest != "d1" || r.Complete() {
		t.Fatalf("after a page: %+v %v", r, err)
	}
	if err := s.CheckpointExport(ctx, "r1", nil, 5000, 250, 2, -1, "d2", nil); err != nil {
		t.Fatal(err)
	}
	if r, _ = s.ExportRun(ctx, "k1"); !r.Complete() || r.Done {
		t.Fatalf("after the last page: %+v", r)
	}
	if hs, err := s.ExportCursors(ctx, "r1"); err != nil || len(hs) != 1 || string(hs[0]) != "h-200" {
		t.Fatalf("cursors followed: %q %v", hs, err)
	}
	if err := s.FinishExportRun(ctx, "r1"); err != nil {
		t.Fatal(err)
	}
	if r, _ = s.ExportRun(ctx, "k1"); !r.Done || !r.Complete() || r.Offset != 5000 {
		t.Fatalf("finished: %+v", r)
	}
	// Starting again replaces the run.
	if err := s.StartExportRun(ctx, ExportRun{ID: "r2", ConnectionID: "c1", RunKey: "k1", OutPath: "/tmp/out.jsonl"}); err != nil {
		t.Fatal(err)
	}
	if r, _ = s.ExportRun(ctx, "k1"); r.ID != "r2" || r.Done || r.Offset != 0 {
		t.Fatalf("restarted: %+v", r)
	}
	if err := s.CheckpointExport(ctx, "nope", nil, 1, 1, 1, -1, "", []byte("x")); !errors.Is(err, ErrNoRun) {
		t.Errorf("checkpoint of a missing run: %v", err)
	}
	if err := s.DeleteExportRun(ctx, "k1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ExportRun(ctx, "k1"); !errors.Is(err, ErrNoRun) {
		t.Errorf("after delete: %v", err)
	}
	// Deleting the connection deletes its runs.
	if err := s.StartExportRun(ctx, ExportRun{ID: "r3", ConnectionID: "c1", RunKey: "k3", OutPath: "x"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, "ads"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ExportRun(ctx, "k3"); !errors.Is(err, ErrNoRun) {
		t.Errorf("after deleting the connection: %v", err)
	}
}

// A database written before the total was kept opens with its runs intact
// and their total unknown.
func TestExportRunsSurviveTheMigrationToTotals(t *testing.T) {
	ctx := context.Background()
	home := t.TempDir()
	db, err := sql.Open("sqlite", filepath.Join(home, FileName))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range migrations[:2] {
		if _, err := db.Exec(m); err != nil {
			t.Fatal(err)
		}
	}
	_, err = db.Exec(`PRAGMA user_version = 2;
		INSERT INTO connections (id, name, name_key, type, created_at, updated_at) VALUES ('c1', 'a', 'a', 't', 0, 0);
		INSERT INTO export_runs (id, connection_id, run_key, out_path, cursor, byte_offset, records, pages, done, started_at, updated_at)
			VALUES ('r1', 'c1', 'k1', '/tmp/o.jsonl', 'x', 10, 2, 1, 0, 0, 0);`)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	r, err := open(t, home).ExportRun(ctx, "k1")
	if err != nil || r.Total != -1 || r.Records != 2 || r.Cursor == nil || *r.Cursor != "x" {
		t.Fatalf("after the migration: %+v %v", r, err)
	}
}
