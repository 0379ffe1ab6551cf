//go:build unix

package plugins

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// A FIFO put in the plugin file's place does not hold the host, when it
// is checked or copied: opening it would wait for a writer.
func TestExecCacheRefusesAFIFO(t *testing.T) {
	src := filepath.Join(t.TempDir(), "plugin")
	if err := syscall.Mkfifo(src, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := NewExecCache(filepath.Join(t.TempDir(), "cache")).Copy(src, "p", sumOf([]byte("x")))
	if err == nil || !strings.Contains(err.Error(), "is not a regular file") {
		t.Errorf("copy of a FIFO: %v", err)
	}
	if _, err := fileSHA256(src); err == nil || !strings.Contains(err.Error(), "is not a regular file") {
		t.Errorf("checksum of a FIFO: %v", err)
	}
}
