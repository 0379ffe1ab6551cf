package e2e

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// This test checks where a plugin's Unix socket lives, and that nothing of
// it stays.

// ppShortDir returns a new folder with a short path: a Unix socket path
// may hold 107 bytes, which a test's own temporary folder may use up.
func ppShortDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "i")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// The plugin's Unix socket lives in a folder of the host's own, 0700, under
// XDG_RUNTIME_DIR when it is set, else under INTEGRATOR_HOME (or, when the
// socket's path would be too long there, in a private folder in TMPDIR),
// never loose in TMPDIR; the folder of a host killed with SIGKILL is
// removed by the next host that starts a plugin.
func TestPluginSocketIsPrivateAndClearedAfterAKill(t *testing.T) {
	svNeedLinux(t)
	for _, where := range []string{"INTEGRATOR_HOME", "XDG_RUNTIME_DIR", "TMPDIR"} {
		t.Run(where, func(t *testing.T) {
			sim := launchSimulator(t, "--fault", "slow,delay=60s,path=/campaigns,times=1")
			dir, plugin := svPluginDir(t)
			home, tmp := ppShortDir(t), ppShortDir(t)
			env := []string{"TMPDIR=" + tmp}
			base := filepath.Join(home, "run")
			switch where {
			case "XDG_RUNTIME_DIR":
				runtime := ppShortDir(t)
				env = append(env, "XDG_RUNTIME_DIR="+runtime)
				base = filepath.Join(runtime, "integrator")
			case "TMPDIR":
				home = filepath.Join(home, strings.Repeat("long-folder-name/", 4))
				base = filepath.Join(tmp, "integrator-"+strconv.Itoa(os.Geteuid()))
			}
			secrets, _ := secretEnv(sim)
			pd := []string{"--plugin-dir", dir}
			mustRun(t, home, append(secrets, env...), append(pd, createArgs(sim, "c", "--no-test")...)...)
			args := append(pd, "api", "c", "accounts/"+sim.AccountID+"/campaigns", "-F", "count=1")

			host := svStart(t, home, env, args...)
			pid := svPluginChild(t, host.cmd.Process.Pid, plugin, 20*time.Second)
			var socket string
			waitFor(t, 10*time.Second, "the plugin's socket under "+base, func() bool {
				// go-plugin names the socket with a temporary file, which it
				// removes before it listens: wait for the socket itself.
				m, _ := filepath.Glob(filepath.Join(base, "*", "*", "plugin*"))
				if len(m) != 1 {
					return false
				}
				if info, err := os.Lstat(m[0]); err == nil && info.Mode().Type() == os.ModeSocket {
					socket = m[0]
				}
				return socket != ""
			})
			for _, d := range []string{base, filepath.Dir(filepath.Dir(socket)), filepath.Dir(socket)} {
				if info, err := os.Lstat(d); err != nil {
					t.Error(err)
				} else if !info.IsDir() || info.Mode().Perm() != 0o700 {
					t.Errorf("%s: %v, want a folder with mode 0700", d, info.Mode())
				}
			}
			if m, _ := filepath.Glob(filepath.Join(tmp, "plugin*")); len(m) > 0 {
				t.Errorf("the plugin made its socket loose in TMPDIR: %v", m)
			}

			if err := host.cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			host.wait(t, 10*time.Second)
			if !svGoneWithin(pid, 5*time.Second) {
				t.Fatalf("plugin %d outlived its SIGKILLed host", pid)
			}
			stale := filepath.Dir(filepath.Dir(socket))
			if _, err := os.Stat(stale); err != nil {
				t.Fatalf("the killed host's folder is already gone (%v): the test proves nothing", err)
			}

			// The next host clears it, and leaves nothing of its own.
			mustRun(t, home, env, append(pd, "api", "c", "accounts/"+sim.AccountID)...)
			if m, _ := filepath.Glob(filepath.Join(base, "*")); len(m) > 0 {
				t.Errorf("left in %s after the next run: %v", base, m)
			}
			if m, _ := filepath.Glob(filepath.Join(tmp, "plugin*")); len(m) > 0 {
				t.Errorf("plugin sockets in TMPDIR: %v", m)
			}
		})
	}
}
