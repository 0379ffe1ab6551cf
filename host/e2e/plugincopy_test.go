package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// These tests check that the bytes a plugin runs are the bytes the host
// verified: the host runs a private copy of the binary whose checksum it
// checked, so swapping the file (or a symlink) in the plugin folder between
// the check and the start cannot get another binary run.

// pcScript writes an executable shell script and returns its path.
func pcScript(t *testing.T, path, body string) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// pcFlip points the symlink link at to, atomically (a new link renamed
// over the old one), the way an attacker with write access to the plugin
// folder would.
func pcFlip(link, to string) error {
	tmp := link + ".flip"
	_ = os.Remove(tmp)
	if err := os.Symlink(to, tmp); err != nil {
		return err
	}
	return os.Rename(tmp, link)
}

// The plugin file is a symlink that an attacker flips between the trusted
// binary and another one while 30 calls run. The other binary leaves a
// marker file the moment it runs: it must never run. Each call either
// works (with the trusted bytes) or is refused as changed.
func TestSymlinkFlippedDuringCallsNeverRunsTheUntrustedBinary(t *testing.T) {
	sim := launchSimulator(t)
	real := filepath.Join(bin, "plugins", svPluginFile)
	store := t.TempDir()
	marker := filepath.Join(store, "untrusted-binary-ran")
	trusted := pcScript(t, filepath.Join(store, "trusted"), "#!/bin/sh\nexec "+real+"\n")
	untrusted := pcScript(t, filepath.Join(store, "untrusted"), "#!/bin/sh\n: > "+marker+"\nexec "+real+"\n")
	dir := t.TempDir()
	link := filepath.Join(dir, svPluginFile)
	if err := os.Symlink(trusted, link); err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	pd := []string{"--plugin-dir", dir}
	env, _ := secretEnv(sim)
	mustRun(t, home, env, append(pd, createArgs(sim, "c", "--no-test")...)...) // trusts the trusted script

	stop := make(chan struct{})
	flips := make(chan int)
	go func() {
		n := 0
		defer func() { flips <- n }()
		for {
			select {
			case <-stop:
				return
			default:
			}
			for _, to := range []string{untrusted, trusted} {
				if err := pcFlip(link, to); err != nil {
					t.Error(err)
					return
				}
			}
			n++
		}
	}()

	const calls, atOnce = 30, 3
	var mu sync.Mutex
	ok, refused := 0, 0
	var wg sync.WaitGroup
	sem := make(chan struct{}, atOnce)
	for i := 0; i < calls; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			r := integrator(t, home, nil, append(pd, "api", "c", "accounts/"+sim.AccountID)...)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case r.code == 0:
				ok++
			case strings.Contains(r.stderr, "it changed since it was trusted") || strings.Contains(r.stderr, "it changed after it was checked"):
				refused++
			default:
				t.Errorf("a call failed for another reason: exit %d\n%s", r.code, r.stderr)
			}
		}()
	}
	wg.Wait()
	close(stop)
	n := <-flips
	t.Logf("%d calls worked, %d were refused as changed, while the symlink flipped %d times", ok, refused, n)
	if _, err := os.Stat(marker); err == nil {
		t.Errorf("the untrusted binary ran")
	}
}

// A started plugin runs from a copy in the host's private cache, named by
// the binary's SHA-256: the folders are the user's alone, and the copy
// cannot be written.
func TestPluginRunsFromAPrivateVerifiedCopy(t *testing.T) {
	host, pid, home, _ := slowCall(t)
	sum := svSHA256(t, filepath.Join(bin, "plugins", svPluginFile))
	cache := filepath.Join(home, "plugin-cache")
	want := filepath.Join(cache, sum, svPluginFile)
	exe, err := os.Readlink("/proc/" + strconv.Itoa(pid) + "/exe")
	if err != nil || exe != want {
		t.Errorf("the plugin runs %q (%v), want the verified copy %s", exe, err, want)
	}
	for path, mode := range map[string]os.FileMode{cache: 0o700, filepath.Dir(want): 0o700, want: 0o500} {
		if info, err := os.Lstat(path); err != nil {
			t.Error(err)
		} else if info.Mode().Perm() != mode {
			t.Errorf("%s: mode %v, want %v", path, info.Mode(), mode)
		}
	}
	_ = host.cmd.Process.Kill()
	host.wait(t, 10*time.Second)
}

// plugins list reports where a plugin path that is a symlink points.
func TestPluginsListResolvesSymlinks(t *testing.T) {
	store := t.TempDir()
	target := filepath.Join(store, "twitter-ads-build")
	copyFile(t, filepath.Join(bin, "plugins", svPluginFile), target, 0o755)
	dir := t.TempDir()
	link := filepath.Join(dir, svPluginFile)
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	pd := []string{"--plugin-dir", dir}
	r := mustRun(t, home, nil, append(pd, "plugins", "list", "--json")...)
	var list []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil || len(list) == 0 {
		t.Fatalf("%v: %s", err, r.stdout)
	}
	if p := list[0]; p["path"] != link || p["resolved_path"] != target || p["status"] != "ok" {
		t.Errorf("plugins list --json: %v", p)
	}
	r = mustRun(t, home, nil, append(pd, "plugins", "list")...)
	if !strings.Contains(r.stdout, link+" -> "+target) {
		t.Errorf("plugins list does not show where the symlink points:\n%s", r.stdout)
	}

	// A plain file has no resolved path.
	dir2, plugin := svPluginDir(t)
	r = mustRun(t, t.TempDir(), nil, "--plugin-dir", dir2, "plugins", "list", "--json")
	if strings.Contains(r.stdout, "resolved_path") || !strings.Contains(r.stdout, plugin) {
		t.Errorf("plugins list --json of a plain file:\n%s", r.stdout)
	}
}

// On a home whose filesystem is mounted noexec, the verified copies cannot
// run: the host says so and how to fix it. The mount lives in a mount
// namespace of the command's own (unshare), which ends with it.
func TestPluginCacheOnANoexecFilesystemIsAClearError(t *testing.T) {
	svNeedLinux(t)
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		t.Skip("needs unshare")
	}
	home := t.TempDir()
	script := `mount -t tmpfs -o noexec tmpfs "$1" && echo mounted >&2 && exec "$2" connectors show twitter-ads`
	cmd := exec.Command(unshare, "-rm", "sh", "-c", script, "sh", home, filepath.Join(bin, "integrator"))
	cmd.Env = []string{"INTEGRATOR_HOME=" + home, "HOME=" + home, "PATH=/usr/bin:/bin"}
	out, err := cmd.CombinedOutput()
	if !strings.HasPrefix(string(out), "mounted\n") {
		t.Skipf("cannot mount a noexec filesystem here: %v\n%s", err, out)
	}
	cache := filepath.Join(home, "plugin-cache")
	want := "error: plugin " + filepath.Join(bin, "plugins", svPluginFile) + ": cannot run plugins from " + cache +
		": its filesystem is mounted noexec, and integrator runs each plugin from a verified copy there; " +
		"set INTEGRATOR_HOME to a folder on a filesystem that allows programs to run\n"
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || strings.TrimPrefix(string(out), "mounted\n") != want {
		t.Errorf("%v\n%s\nwant:\n%s", err, out, want)
	}
}
