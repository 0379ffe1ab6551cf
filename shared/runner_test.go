package shared

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A plugin that exits while a process it started in a session of its own
// (out of reach of its process group) still holds its stdout and stderr
// does not hold up its host: the start fails as an exit without the
// handshake, not at the start timeout, and the process group is ended.
func TestAnEscapedProcessHoldingThePipesDoesNotHoldTheHost(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the host can tell a plugin exited, without reaping it, only on Linux")
	}
	setsid, err := exec.LookPath("setsid")
	if err != nil {
		t.Skip("needs setsid")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "integrator-connector-leaky")
	escaped, child := filepath.Join(dir, "escaped.pid"), filepath.Join(dir, "child.pid")
	script := "#!/bin/sh\n" +
		setsid + ` sh -c 'echo $$ > ` + escaped + `; exec sleep 60' &` + "\n" +
		"sleep 60 </dev/null >/dev/null 2>&1 &\necho $! > " + child + "\n" +
		"while [ ! -s " + escaped + " ]; do sleep 0.01; done\nexit 1\n"
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	pidIn := func(file string) int {
		b, _ := os.ReadFile(file)
		pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
		return pid
	}
	t.Cleanup(func() {
		if pid := pidIn(escaped); pid > 0 {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	})
	inst, err := Start(context.Background(), path, ClientOptions{StartTimeout: 30 * time.Second})
	if err == nil {
		inst.Close()
		t.Fatal("the start succeeded")
	}
	if msg := err.Error(); !strings.Contains(msg, "Failed to read any lines from plugin's stdout") {
		t.Errorf("the start failed with %q, want an exit without the handshake", msg)
	}
	if pid := pidIn(child); pid == 0 || running(pid) {
		t.Errorf("the plugin's child %d (in its process group) outlived it", pid)
	}
}
