package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// These tests check that a plugin leaves none of the processes it started
// behind.

// ppSpawningPlugin returns a plugin folder whose twitter-ads plugin starts,
// before it becomes the real plugin (exec), two more processes: a child in
// its process group (a `sleep`), and, through a child shell, a grandchild
// in a session of its own (`setsid`), which leaves the process group. Each
// start appends their pids to child.pid and grandchild.pid in pidDir.
func ppSpawningPlugin(t *testing.T) (dir, pidDir string) {
	t.Helper()
	sh, sleep, setsid := ppLook(t, "sh"), ppLook(t, "sleep"), ppLook(t, "setsid")
	pidDir = t.TempDir()
	child, grandchild := filepath.Join(pidDir, "child.pid"), filepath.Join(pidDir, "grandchild.pid")
	// Their output goes to /dev/null: a process holding the plugin's
	// stdout or stderr is another matter (shared's
	// TestAnEscapedProcessHoldingThePipesDoesNotHoldTheHost).
	const quiet = " </dev/null >/dev/null 2>&1"
	script := "#!" + sh + "\n" +
		sleep + " 300" + quiet + " &\n" +
		"echo $! >> " + child + "\n" +
		sh + " -c '" + setsid + " " + sh + ` -c "echo \$\$ >> ` + grandchild + "; exec " + sleep + ` 300" & wait'` + quiet + " &\n" +
		"exec " + filepath.Join(bin, "plugins", svPluginFile) + "\n"
	dir = t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, svPluginFile), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { // whatever survived a failed test
		for _, f := range []string{child, grandchild} {
			for _, pid := range ppPids(f) {
				_ = syscall.Kill(pid, syscall.SIGKILL)
			}
		}
	})
	return dir, pidDir
}

func ppLook(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("needs %s: %v", name, err)
	}
	return path
}

// ppPids reads the pids a pid file holds, one a line.
func ppPids(path string) []int {
	b, _ := os.ReadFile(path)
	var out []int
	for _, f := range strings.Fields(string(b)) {
		if pid, err := strconv.Atoi(f); err == nil {
			out = append(out, pid)
		}
	}
	return out
}

// ppWaitPids waits until the pid file holds n pids and returns the last.
func ppWaitPids(t *testing.T, path string, n int) int {
	t.Helper()
	waitFor(t, 20*time.Second, filepath.Base(path)+" to hold "+strconv.Itoa(n)+" pids", func() bool { return len(ppPids(path)) >= n })
	pids := ppPids(path)
	return pids[len(pids)-1]
}

// A plugin's own processes end with it: a child in its process group, even
// when the host is killed with SIGKILL, and a grandchild that left the
// process group with setsid when the host exits normally or is
// interrupted (Ctrl-C), and also when the host is killed: the plugin ends
// its whole tree when its host dies.
func TestPluginProcessesEndWithTheHost(t *testing.T) {
	svNeedLinux(t)
	for _, c := range []struct {
		name string
		end  func(t *testing.T, host *svRun)
	}{
		{"normal exit", func(t *testing.T, host *svRun) {
			if r := host.wait(t, 30*time.Second); r.code != 0 {
				t.Fatalf("exit %d\n%s", r.code, r.stderr)
			}
		}},
		{"Ctrl-C", func(t *testing.T, host *svRun) {
			if err := host.cmd.Process.Signal(os.Interrupt); err != nil {
				t.Fatal(err)
			}
			if r := host.wait(t, 10*time.Second); r.code != 128+int(syscall.SIGINT) {
				t.Fatalf("exit %d\n%s", r.code, r.stderr)
			}
		}},
		{"SIGKILL", func(t *testing.T, host *svRun) {
			if err := host.cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			host.wait(t, 10*time.Second)
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			delay := "60s"
			if c.name == "normal exit" {
				delay = "3s" // the call ends by itself, once the processes are seen
			}
			sim := launchSimulator(t, "--fault", "slow,delay="+delay+",path=/campaigns,times=1")
			dir, pidDir := ppSpawningPlugin(t)
			home := t.TempDir()
			env, _ := secretEnv(sim)
			pd := []string{"--plugin-dir", dir}
			mustRun(t, home, env, append(pd, createArgs(sim, "c", "--no-test")...)...)
			childFile, grandFile := filepath.Join(pidDir, "child.pid"), filepath.Join(pidDir, "grandchild.pid")
			n := len(ppPids(childFile)) + 1

			host := svStart(t, home, nil, append(pd, "api", "c", "accounts/"+sim.AccountID+"/campaigns", "-F", "count=1")...)
			child, grandchild := ppWaitPids(t, childFile, n), ppWaitPids(t, grandFile, n)
			// The wrapper became the plugin, which serves the call.
			svPluginChild(t, host.cmd.Process.Pid, filepath.Join(bin, "plugins", svPluginFile), 20*time.Second)
			time.Sleep(svInFlight)
			if !svAlive(child) || !svAlive(grandchild) {
				t.Fatalf("the plugin's processes %d and %d do not run", child, grandchild)
			}
			if sid := svProcStat(grandchild); len(sid) < 4 || sid[3] != strconv.Itoa(grandchild) {
				t.Fatalf("the grandchild %d is not in a session of its own: %v", grandchild, sid)
			}
			c.end(t, host)
			if !svGoneWithin(child, 5*time.Second) {
				t.Errorf("the plugin's child %d (in its process group) outlived the host", child)
			}
			if !svGoneWithin(grandchild, 5*time.Second) {
				t.Errorf("the plugin's grandchild %d (in a session of its own) outlived the host", grandchild)
			}
		})
	}
}
