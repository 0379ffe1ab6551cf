package secrets

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestFirstRunsAtOnceAgreeOnOneKey starts many first runs on an empty
// home at once: every one must load the same, complete key (the losers
// read the winner's key file, never a half-written one).
func TestFirstRunsAtOnceAgreeOnOneKey(t *testing.T) {
	for round := range 20 {
		home := filepath.Join(t.TempDir(), "home")
		const n = 8
		ids := make([]string, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				kr, err := Load(noEnv, home)
				if err == nil {
					ids[i] = kr.Primary.ID
				}
				errs[i] = err
			}()
		}
		close(start)
		wg.Wait()
		for i := range n {
			if errs[i] != nil {
				t.Fatalf("round %d, run %d: %v", round, i, errs[i])
			}
			if ids[i] != ids[0] {
				t.Fatalf("round %d: runs loaded keys %s and %s", round, ids[0], ids[i])
			}
		}
	}
}

// TestPendingKeyIsKeptUntilItsRotationFinishes: secrets may already be
// sealed under the key an interrupted rotation left, so no later rotation
// may remove or rewrite it before it is installed.
func TestPendingKeyIsKeptUntilItsRotationFinishes(t *testing.T) {
	home := t.TempDir()
	kr, _ := Load(noEnv, home)
	if _, err := kr.BeginRotation(nil); err != nil {
		t.Fatal(err)
	}
	// The rotation stops here (its transaction may have committed).
	pendingPath := filepath.Join(home, KeyFileName+pendingSuffix)
	before, err := os.ReadFile(pendingPath)
	if err != nil {
		t.Fatal(err)
	}
	beforeInfo, _ := os.Stat(pendingPath)

	other, _ := NewKey()
	kr2, _ := Load(noEnv, home)
	if _, err := kr2.BeginRotation(other); err == nil || !strings.Contains(err.Error(), "must finish first") {
		t.Errorf("a rotation to another key while one is pending: err = %v", err)
	}
	kr3, _ := Load(noEnv, home)
	r, err := kr3.BeginRotation(nil)
	if err != nil {
		t.Fatal(err)
	}
	after, _ := os.ReadFile(pendingPath)
	afterInfo, _ := os.Stat(pendingPath)
	if string(after) != string(before) || !os.SameFile(beforeInfo, afterInfo) {
		t.Error("the pending key file was replaced or rewritten")
	}
	if err := r.Commit(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(pendingPath); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("pending key left after commit: %v", err)
	}
}
