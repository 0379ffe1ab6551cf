package store

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// holdRunEnv makes TestHelperHoldsARun, run in a child process, take the
// hold of run "far" on the store at the place it names and keep it until
// killed.
const holdRunEnv = "STORE_TEST_HOLD_RUN"

func TestHelperHoldsARun(t *testing.T) {
	place := os.Getenv(holdRunEnv)
	if place == "" {
		t.Skip("a helper process of TestRunHoldOfAnotherProcess")
	}
	s := open(t, place)
	if _, err := s.HoldRun("far"); err != nil {
		t.Fatal(err)
	}
	os.Stdout.WriteString("held\n")
	select {}
}

// A run held by another process, started in another folder (as a console
// on another machine sharing a PostgreSQL store would be), is seen as in
// progress and cannot be held here; once that process is killed with
// SIGKILL, the run is no longer held and can be taken (resumed).
func TestRunHoldOfAnotherProcess(t *testing.T) { eachBackend(t, testRunHoldOfAnotherProcess) }

func testRunHoldOfAnotherProcess(t *testing.T, be backend) {
	place := be.place(t)
	s := open(t, place)
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperHoldsARun$")
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), holdRunEnv+"="+place)
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
	if held, err := s.RunHeld("far"); err != nil || !held {
		t.Fatalf("the other process's run is not seen as held: %v, %v", held, err)
	}
	var busy *BusyError
	if h, err := s.HoldRun("far"); !errors.As(err, &busy) {
		h.Release()
		t.Fatalf("the other process's run was held here too: %v", err)
	}
	cmd.Process.Kill()
	cmd.Wait()
	// The server may take a moment to see the connection closed.
	deadline := time.Now().Add(30 * time.Second)
	for {
		held, err := s.RunHeld("far")
		if err != nil {
			t.Fatal(err)
		}
		if !held {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the killed process's run is still held after 30 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	h, err := s.HoldRun("far")
	if err != nil {
		t.Fatalf("holding the killed process's run: %v", err)
	}
	h.Release()
}
