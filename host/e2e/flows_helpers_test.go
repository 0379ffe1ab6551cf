package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// flowHome starts the simulator with args and creates a connection "Prod"
// to it in a new home.
func flowHome(t *testing.T, args ...string) (simInfo, string) {
	t.Helper()
	sim := launchSimulator(t, args...)
	home := t.TempDir()
	env, _ := secretEnv(sim)
	mustRun(t, home, env, createArgs(sim, "Prod", "--no-test")...)
	return sim, home
}

// background is an integrator process running while the test watches it.
type background struct {
	cmd            *exec.Cmd
	stdout, stderr syncBuffer
	done           chan struct{}
	code           int
}

// syncBuffer is a buffer a test may read while the process writes to it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startIntegrator starts the built host in the background; the test's end
// kills it if it still runs.
func startIntegrator(t *testing.T, home string, args ...string) *background {
	t.Helper()
	b := &background{done: make(chan struct{})}
	b.cmd = exec.Command(filepath.Join(bin, "integrator"), args...)
	b.cmd.Env = []string{"INTEGRATOR_HOME=" + home, "HOME=" + home, "PATH=/usr/bin:/bin"}
	b.cmd.Stdout, b.cmd.Stderr = &b.stdout, &b.stderr
	if err := b.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		err := b.cmd.Wait()
		if ee, ok := err.(*exec.ExitError); ok {
			b.code = ee.ExitCode()
		} else if err != nil {
			b.code = -1
		}
		close(b.done)
	}()
	t.Cleanup(func() {
		b.cmd.Process.Kill()
		<-b.done
	})
	return b
}

// wait waits for the process to end and returns its exit code.
func (b *background) wait(t *testing.T, limit time.Duration) int {
	t.Helper()
	select {
	case <-b.done:
		return b.code
	case <-time.After(limit):
		t.Fatalf("integrator %v still runs after %s\nstderr:\n%s", b.cmd.Args[1:], limit, b.stderr.String())
	}
	return 0
}

func (b *background) exited() bool {
	select {
	case <-b.done:
		return true
	default:
		return false
	}
}

// pluginChildren returns the pids of the connector plugin processes whose
// parent is pid: only this test's plugins, although others may run.
func pluginChildren(pid int) []int {
	plugin := filepath.Join(bin, "plugins", "integrator-connector-twitter-ads")
	entries, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if svArgv0(child) != plugin {
			continue
		}
		if parentOf(child) == pid {
			out = append(out, child)
		}
	}
	return out
}

// parentOf reads a process's parent pid from /proc/PID/stat.
func parentOf(pid int) int {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return 0
	}
	// The command name is in parentheses and may hold spaces.
	rest := string(b[bytes.LastIndexByte(b, ')')+1:])
	fields := strings.Fields(rest)
	if len(fields) < 2 {
		return 0
	}
	ppid, _ := strconv.Atoi(fields[1])
	return ppid
}

// waitFor polls cond until it holds or limit passes.
func waitFor(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func fileSize(path string) int64 {
	info, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return info.Size()
}

func kill(t *testing.T, pid int) {
	t.Helper()
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatalf("kill %d: %v", pid, err)
	}
}

// jsonLines reads a JSON Lines file into maps.
func jsonLines(t *testing.T, path string) []map[string]any {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []map[string]any
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("%s: %v: %s", path, err, sc.Text())
		}
		out = append(out, m)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// campaignNames lists the account's campaigns through `integrator export`
// and counts them by name.
func campaignNames(t *testing.T, home string, sim simInfo) map[string]int {
	t.Helper()
	out := filepath.Join(t.TempDir(), "campaigns.jsonl")
	mustRun(t, home, nil, "export", "Prod", "accounts/"+sim.AccountID+"/campaigns", "-F", "count=1000", "--out", out)
	names := map[string]int{}
	for _, c := range jsonLines(t, out) {
		name, _ := c["name"].(string)
		names[name]++
	}
	return names
}
