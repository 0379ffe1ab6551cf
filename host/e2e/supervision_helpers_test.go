package e2e

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const svPluginFile = "integrator-connector-twitter-ads"

// svPluginDir returns a fresh plugin folder holding a copy of the
// built plugin, and the copy's path. A test that looks for its plugin
// process by executable path finds only its own.
func svPluginDir(t *testing.T) (dir, plugin string) {
	t.Helper()
	dir = t.TempDir()
	plugin = filepath.Join(dir, svPluginFile)
	copyFile(t, filepath.Join(bin, "plugins", svPluginFile), plugin, 0o755)
	return dir, plugin
}

var (
	svOtherOnce sync.Once
	svOther     string
	svOtherErr  error
)

// svOtherPluginBuild returns the plugin built again with another version:
// a different binary for the same type, as an upgrade (or an attacker)
// would put in place.
func svOtherPluginBuild(t *testing.T) string {
	t.Helper()
	svOtherOnce.Do(func() {
		svOther = filepath.Join(bin, "other", svPluginFile)
		cmd := exec.Command("go", "build", "-o", svOther,
			"-ldflags", "-X github.com/openintegrator/integrator/plugin/twitterads.Version=9.9.9-e2e",
			"./plugin/cmd/integrator-connector-twitter-ads")
		cmd.Dir = moduleRoot()
		if out, err := cmd.CombinedOutput(); err != nil {
			svOtherErr = err
			t.Logf("%s", out)
		}
	})
	if svOtherErr != nil {
		t.Fatalf("building another plugin version: %v", svOtherErr)
	}
	return svOther
}

// svReplaceFile puts a copy of from at to the way an installer would:
// written aside, then renamed over the old file.
func svReplaceFile(t *testing.T, from, to string) {
	t.Helper()
	tmp := to + ".new"
	copyFile(t, from, tmp, 0o755)
	if err := os.Rename(tmp, to); err != nil {
		t.Fatal(err)
	}
}

func svSHA256(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// svRun is an integrator process started in the background.
type svRun struct {
	cmd         *exec.Cmd
	out, errOut bytes.Buffer
	done        chan struct{}
	code        int
}

func svStart(t *testing.T, home string, env []string, args ...string) *svRun {
	t.Helper()
	r := &svRun{done: make(chan struct{})}
	r.cmd = exec.Command(filepath.Join(bin, "integrator"), args...)
	r.cmd.Env = append([]string{"INTEGRATOR_HOME=" + home, "HOME=" + home, "PATH=/usr/bin:/bin"}, env...)
	r.cmd.Stdout, r.cmd.Stderr = &r.out, &r.errOut
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		err := r.cmd.Wait()
		if ee, ok := err.(*exec.ExitError); ok {
			r.code = ee.ExitCode()
			if ws, ok := ee.Sys().(interface{ Signaled() bool }); ok && ws.Signaled() {
				r.code = -1
			}
		}
		close(r.done)
	}()
	t.Cleanup(func() {
		_ = r.cmd.Process.Kill()
		<-r.done
	})
	return r
}

// wait waits for the process to end and returns its result.
func (r *svRun) wait(t *testing.T, limit time.Duration) result {
	t.Helper()
	select {
	case <-r.done:
		return result{r.out.String(), r.errOut.String(), r.code}
	case <-time.After(limit):
		t.Fatalf("integrator %v still runs after %s\nstderr: %s", r.cmd.Args[1:], limit, r.errOut.String())
		return result{}
	}
}

func svNeedLinux(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("finds processes through /proc")
	}
}

// svPluginChild waits for a live child of parent running the executable at
// path and returns its pid.
func svPluginChild(t *testing.T, parent int, path string, limit time.Duration) int {
	t.Helper()
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		entries, _ := os.ReadDir("/proc")
		for _, e := range entries {
			pid, err := strconv.Atoi(e.Name())
			if err != nil {
				continue
			}
			if svArgv0(pid) != path {
				continue
			}
			if ppid, ok := svParentOf(pid); ok && ppid == parent && svAlive(pid) {
				return pid
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no process of %s under pid %d within %s", path, parent, limit)
	return 0
}

// svArgv0 returns the program name a process was started with. The host
// runs a verified copy of a plugin binary, named after the file in the
// plugin folder: /proc/PID/exe is the copy, argv[0] the plugin's path.
func svArgv0(pid int) string {
	b, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	name, _, _ := strings.Cut(string(b), "\x00")
	return name
}

// svProcStat returns the fields of /proc/<pid>/stat after the command name.
func svProcStat(pid int) []string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return nil
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return nil
	}
	return strings.Fields(s[i+1:])
}

func svParentOf(pid int) (int, bool) {
	f := svProcStat(pid)
	if len(f) < 2 {
		return 0, false
	}
	ppid, err := strconv.Atoi(f[1])
	return ppid, err == nil
}

// svAlive reports whether pid is a running process: not gone, not a zombie.
func svAlive(pid int) bool {
	f := svProcStat(pid)
	return len(f) > 0 && f[0] != "Z" && f[0] != "X"
}

// svGoneWithin waits up to limit for pid to stop running.
func svGoneWithin(pid int, limit time.Duration) bool {
	deadline := time.Now().Add(limit)
	for svAlive(pid) {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
	return true
}

// svInFlight gives a call that the simulator holds (slow fault) time to
// reach it after the plugin process appeared.
const svInFlight = time.Second
