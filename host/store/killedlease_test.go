package store

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// holdLeaseEnv makes TestHelperHoldsALease, run in a child process, take
// a lease on the store at the place it names and hold it until killed.
const holdLeaseEnv = "STORE_TEST_HOLD_LEASE"

func TestHelperHoldsALease(t *testing.T) {
	place := os.Getenv(holdLeaseEnv)
	if place == "" {
		t.Skip("a helper process of TestLeaseOfAKilledProcessIsFree")
	}
	s, err := openPlace(context.Background(), place)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Acquire(context.Background(), Owner{Key: "import:k", RunID: "doomed", ConnectionID: "c1", What: "import of a.jsonl"}); err != nil {
		t.Fatal(err)
	}
	os.Stdout.WriteString("held\n")
	select {}
}

// A worker killed with SIGKILL (no chance to release anything) leaves its
// lease row, but the lock that proves it alive ends with the process (an
// flock, or the PostgreSQL session of an advisory lock): the run is not
// listed as in progress, and another process takes the lease over.
func TestLeaseOfAKilledProcessIsFree(t *testing.T) { eachBackend(t, testLeaseOfAKilledProcessIsFree) }

func testLeaseOfAKilledProcessIsFree(t *testing.T, be backend) {
	ctx := context.Background()
	place := be.place(t)
	s := open(t, place)
	if err := s.Create(ctx, conn("c1", "ads")); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperHoldsALease$")
	cmd.Env = append(os.Environ(), holdLeaseEnv+"="+place)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "held" {
		t.Fatalf("helper: %q %v", line, err)
	}
	if alive, err := s.RunAlive(ctx, "doomed"); err != nil || !alive {
		t.Fatalf("the helper's run is not alive while it runs: %v", err)
	}
	if _, err := s.Acquire(ctx, Owner{Key: "import:k", RunID: "next", ConnectionID: "c1", What: "x"}); err == nil {
		t.Fatal("the lease was taken while its holder runs")
	}
	cmd.Process.Kill()
	cmd.Wait()
	// The server may take a moment to see the connection closed.
	deadline := time.Now().Add(30 * time.Second)
	for {
		alive, err := s.RunAlive(ctx, "doomed")
		if err != nil {
			t.Fatal(err)
		}
		if !alive {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the killed process's run is still alive after 30 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	l, err := s.Acquire(ctx, Owner{Key: "import:k", RunID: "next", ConnectionID: "c1", What: "x"})
	if err != nil {
		t.Fatalf("taking over the killed process's lease: %v", err)
	}
	l.Release()
}
