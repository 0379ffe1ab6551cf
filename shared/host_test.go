package shared

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestPluginsRunWithOneProcessorUnlessTheHostSaysOtherwise(t *testing.T) {
	_, cmd := newClient(context.Background(), "/bin/true", ClientOptions{Env: []string{LogLevelEnv + "=info"}})
	if want := []string{LogLevelEnv + "=info", "GOMAXPROCS=1"}; !slices.Equal(cmd.Env, want) {
		t.Errorf("env = %q, want %q", cmd.Env, want)
	}
	_, cmd = newClient(context.Background(), "/bin/true", ClientOptions{Env: []string{"GOMAXPROCS=3"}})
	if want := []string{"GOMAXPROCS=3"}; !slices.Equal(cmd.Env, want) {
		t.Errorf("env = %q, want %q", cmd.Env, want)
	}
}

// A plugin that never completes its handshake does not hold its host for
// the start timeout once the host gives up: ending ctx kills it.
func TestStartEndsWithItsContext(t *testing.T) {
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "pid")
	path := filepath.Join(dir, "integrator-connector-hang")
	script := "#!/bin/sh\necho $$ > " + pidFile + "\nexec sleep 30\n"
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for {
			// The shell makes the file before echo writes the pid.
			if b, err := os.ReadFile(pidFile); err == nil && strings.HasSuffix(string(b), "\n") {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		cancel()
	}()
	start := time.Now()
	inst, err := Start(ctx, path, ClientOptions{StartTimeout: 20 * time.Second})
	if err == nil {
		inst.Close()
		t.Fatal("the start succeeded")
	}
	if !errors.Is(err, context.Canceled) || time.Since(start) > 5*time.Second {
		t.Errorf("after %s: %v; want context.Canceled, well before the 20s start timeout", time.Since(start).Round(time.Millisecond), err)
	}
	b, _ := os.ReadFile(pidFile)
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	if pid == 0 {
		t.Fatal("the plugin never wrote its pid")
	}
	if err := syscall.Kill(pid, 0); err == nil {
		t.Errorf("the plugin process %d still runs", pid)
	}
}
