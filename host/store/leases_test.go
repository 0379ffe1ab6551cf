package store

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
)

func TestLeases(t *testing.T) { eachBackend(t, testLeases) }

func testLeases(t *testing.T, be backend) {
	ctx := context.Background()
	home := be.place(t)
	s := open(t, home)
	if err := s.Create(ctx, conn("c1", "ads")); err != nil {
		t.Fatal(err)
	}
	o := Owner{Key: "import:k", RunID: "run1", ConnectionID: "c1", What: "import of a.jsonl"}
	l, err := s.Acquire(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	if got := l.Owner(); got.PID != os.Getpid() || got.Host == "" {
		t.Errorf("owner: %+v", got)
	}
	// A second handle (another process would do the same) is refused,
	// with the holder named.
	other := open(t, home)
	_, err = other.Acquire(ctx, Owner{Key: "import:k", RunID: "run2", ConnectionID: "c1", What: "x"})
	var busy *BusyError
	if !errors.As(err, &busy) || busy.Owner == nil || busy.Owner.RunID != "run1" || !strings.Contains(err.Error(), "import of a.jsonl") {
		t.Fatalf("second acquire: %v", err)
	}
	running, err := other.Running(ctx, "c1")
	if err != nil || len(running) != 1 || running[0].RunID != "run1" {
		t.Errorf("running: %+v %v", running, err)
	}
	if alive, _ := other.RunAlive(ctx, "run1"); !alive {
		t.Error("run1 is not alive")
	}
	l.Release()
	l2, err := other.Acquire(ctx, Owner{Key: "import:k", RunID: "run2", ConnectionID: "c1", What: "x"})
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	defer l2.Release()
	if alive, _ := s.RunAlive(ctx, "run1"); alive {
		t.Error("run1 still alive")
	}
}

// A lease row whose lock is free belongs to a process that is gone: it is
// not listed, and it is taken over.
func TestStaleLeaseIsTakenOver(t *testing.T) { eachBackend(t, testStaleLeaseIsTakenOver) }

func testStaleLeaseIsTakenOver(t *testing.T, be backend) {
	ctx := context.Background()
	s := open(t, be.place(t))
	if err := s.Create(ctx, conn("c1", "ads")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(`INSERT INTO run_leases (key, connection_id, run_id, what, pid, host, started_at) VALUES ('export:o', 'c1', 'dead', 'x', 999999, 'h', 0)`); err != nil {
		t.Fatal(err)
	}
	if running, err := s.Running(ctx, "c1"); err != nil || len(running) != 0 {
		t.Errorf("a dead run is listed: %+v %v", running, err)
	}
	if _, err := s.db.Exec(`INSERT INTO run_leases (key, connection_id, run_id, what, pid, host, started_at) VALUES ('export:o', 'c1', 'dead', 'x', 999999, 'h', 0)`); err != nil {
		t.Fatal(err)
	}
	l, err := s.Acquire(ctx, Owner{Key: "export:o", RunID: "new", ConnectionID: "c1", What: "y"})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	if running, _ := s.Running(ctx, "c1"); len(running) != 1 || running[0].RunID != "new" {
		t.Errorf("running: %+v", running)
	}
}
