package plugins

import (
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/openintegrator/integrator/shared"
)

// A verified copy still open for writing somewhere (a child another
// goroutine forked while the copy was being written holds the descriptor
// until it execs) makes its exec fail with "text file busy" for a moment:
// the start tries again instead of failing.
func TestStartWaitsOutATextFileBusy(t *testing.T) {
	tg := target(t, pluginBin)
	cache := NewExecCache(filepath.Join(t.TempDir(), "cache"))
	path, err := cache.Copy(tg.Path, Prefix+pluginType, tg.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o700); err != nil { // the copy is 0500; the writer needs it writable
		t.Fatal(err)
	}
	w, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o500); err != nil {
		t.Fatal(err)
	}
	go func() { time.Sleep(50 * time.Millisecond); w.Close() }()
	sum, _ := hex.DecodeString(tg.SHA256)
	inst, err := Start(testCtx(t), tg.Candidate, cache, shared.ClientOptions{Checksum: sum, Env: []string{shared.LogLevelEnv + "=warn"}})
	if err != nil {
		t.Fatalf("start while the copy was busy for 50 ms: %v", err)
	}
	inst.Close()
}
