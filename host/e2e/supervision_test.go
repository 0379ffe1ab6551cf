package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// These tests check how the host supervises its plugins: trust on first
// use and refusal of a changed binary, a plugin killed during a call, a
// host stopped or killed during a call, and clear reasons for plugins that
// cannot start. Each uses its own copy of the plugin, found by its path.

func TestChangedPluginIsRefusedUntilTrusted(t *testing.T) {
	dir, plugin := svPluginDir(t)
	home := t.TempDir()
	pd := []string{"--plugin-dir", dir}
	oldSum := svSHA256(t, plugin)

	// First use trusts silently.
	r := mustRun(t, home, nil, append(pd, "connectors", "list", "--json")...)
	if r.stderr != "" || !strings.Contains(r.stdout, `"plugin": "`+plugin+`"`) {
		t.Fatalf("first use:\nstdout %s\nstderr %s", r.stdout, r.stderr)
	}
	list := pluginsList(t, home, pd)
	if p := list[plugin]; p["status"] != "ok" || p["trusted"] != true || p["sha256"] != oldSum || p["protocol"] != 1.0 {
		t.Fatalf("after first use: %v", p)
	}

	// An upgrade (or a swap) puts another binary in place: refused, with
	// the way out.
	svReplaceFile(t, svOtherPluginBuild(t), plugin)
	newSum := svSHA256(t, plugin)
	const reason = "it changed since it was trusted on "
	const fix = "if you installed this version yourself, run 'integrator plugins trust twitter-ads'"
	r = mustRun(t, home, nil, append(pd, "connectors", "list", "--json")...)
	if !strings.Contains(r.stderr, "warning: skipped "+plugin+": "+reason) || !strings.Contains(r.stderr, fix) ||
		!strings.Contains(r.stderr, "sha256 was "+oldSum[:12]+"…, is now "+newSum[:12]+"…") {
		t.Errorf("connectors list stderr:\n%s", r.stderr)
	}
	if strings.Contains(r.stdout, "twitter-ads") {
		t.Errorf("the changed plugin is listed (or another binary of its type was used instead):\n%s", r.stdout)
	}
	for _, args := range [][]string{
		{"connectors", "show", "twitter-ads"},
		{"connections", "create", "--type", "twitter-ads", "--name", "x", "--set", "consumer_key=k"},
	} {
		r := integrator(t, home, nil, append(pd, args...)...)
		if r.code != 1 || !strings.Contains(r.stderr, "error: plugin "+plugin+": "+reason) || !strings.Contains(r.stderr, fix) {
			t.Errorf("%v: exit %d\n%s", args, r.code, r.stderr)
		}
	}
	list = pluginsList(t, home, pd)
	if p := list[plugin]; p["status"] != "untrusted" || p["trusted"] != false || p["sha256"] != newSum || p["trusted_sha256"] != oldSum {
		t.Errorf("plugins list of the changed binary: %v", p)
	}

	// A checksum that does not match is not trusted.
	if r := integrator(t, home, nil, append(pd, "plugins", "trust", "twitter-ads", "--sha256", oldSum)...); r.code != 1 ||
		!strings.Contains(r.stderr, "its sha256 is "+newSum+", not "+oldSum+": not trusted") {
		t.Errorf("trust --sha256 with the wrong checksum: exit %d\n%s", r.code, r.stderr)
	}

	// plugins trust shows both checksums and records the new one.
	r = mustRun(t, home, nil, append(pd, "plugins", "trust", "twitter-ads", "--sha256", newSum)...)
	for _, want := range []string{"Trusted twitter-ads 9.9.9-e2e: " + plugin, "was sha256 " + oldSum, "now sha256 " + newSum} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("trust output lacks %q:\n%s", want, r.stdout)
		}
	}
	r = mustRun(t, home, nil, append(pd, "connectors", "list", "--json")...)
	if r.stderr != "" || !strings.Contains(r.stdout, `"version": "9.9.9-e2e"`) {
		t.Errorf("after trust:\nstdout %s\nstderr %s", r.stdout, r.stderr)
	}
	r = mustRun(t, home, nil, append(pd, "plugins", "trust", "twitter-ads")...)
	if !strings.Contains(r.stdout, "twitter-ads 9.9.9-e2e is already trusted") {
		t.Errorf("trusting again:\n%s", r.stdout)
	}
}

// TestSchemaCacheSparesTheStart checks that connectors list takes the
// schema of a trusted, unchanged plugin from the cache: no plugin process
// runs, while plugins list starts it.
func TestSchemaCacheSparesTheStart(t *testing.T) {
	svNeedLinux(t)
	dir, plugin := svPluginDir(t)
	home := t.TempDir()
	pd := []string{"--plugin-dir", dir}
	mustRun(t, home, nil, append(pd, "connectors", "list")...) // trusts and caches
	for _, c := range []struct {
		args   []string
		starts bool
	}{
		{[]string{"connectors", "list", "--json"}, false},
		{[]string{"connectors", "show", "twitter-ads"}, false},
		{[]string{"plugins", "list"}, true},
	} {
		stop := make(chan struct{})
		seen := make(chan int, 1)
		go func() { seen <- countPluginRuns(plugin, stop) }()
		r := mustRun(t, home, nil, append(pd, c.args...)...)
		close(stop)
		if !strings.Contains(r.stdout, "twitter-ads") {
			t.Errorf("%v: %s", c.args, r.stdout)
		}
		if n := <-seen; (n > 0) != c.starts {
			t.Errorf("%v: saw %d plugin processes", c.args, n)
		}
	}
}

// countPluginRuns polls /proc until stop is closed and returns how many
// distinct processes of the executable at path it saw.
func countPluginRuns(path string, stop <-chan struct{}) int {
	pids := map[string]bool{}
	for {
		entries, _ := os.ReadDir("/proc")
		for _, e := range entries {
			if pid, err := strconv.Atoi(e.Name()); err == nil && svArgv0(pid) == path {
				pids[e.Name()] = true
			}
		}
		select {
		case <-stop:
			return len(pids)
		case <-time.After(2 * time.Millisecond):
		}
	}
}

func pluginsList(t *testing.T, home string, pd []string) map[string]map[string]any {
	t.Helper()
	r := mustRun(t, home, nil, append(pd, "plugins", "list", "--json")...)
	var list []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil {
		t.Fatalf("%v: %s", err, r.stdout)
	}
	out := map[string]map[string]any{}
	for _, p := range list {
		out[p["path"].(string)] = p
	}
	return out
}

// slowCall creates a connection through a private plugin copy, against a
// simulator that holds the first campaigns request for a minute, and
// starts `integrator api` on it. It returns the running host and the pid
// of its plugin once the call is in flight.
func slowCall(t *testing.T) (host *svRun, pluginPid int, home string, rerun func() result) {
	t.Helper()
	svNeedLinux(t)
	sim := launchSimulator(t, "--fault", "slow,delay=60s,path=/campaigns,times=1")
	dir, plugin := svPluginDir(t)
	home = t.TempDir()
	env, _ := secretEnv(sim)
	pd := []string{"--plugin-dir", dir}
	mustRun(t, home, env, append(pd, createArgs(sim, "c", "--no-test")...)...)
	args := append(pd, "api", "c", "accounts/"+sim.AccountID+"/campaigns", "-F", "count=1")
	host = svStart(t, home, nil, args...)
	pluginPid = svPluginChild(t, host.cmd.Process.Pid, plugin, 20*time.Second)
	time.Sleep(svInFlight)
	return host, pluginPid, home, func() result { return mustRun(t, home, nil, args...) }
}

func TestPluginKilledDuringACall(t *testing.T) {
	host, pid, home, again := slowCall(t)
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	r := host.wait(t, 20*time.Second)
	log := filepath.Join(home, "logs", "twitter-ads.log")
	want := "error: plugin twitter-ads crashed during DoRequest (pid " + strconv.Itoa(pid) + ", signal: killed); it is started again on next use; its log: " + log
	if r.code != 1 || strings.TrimSpace(r.stderr) != want {
		t.Errorf("exit %d, stderr:\n%s\nwant:\n%s", r.code, r.stderr, want)
	}
	if b, err := os.ReadFile(log); err != nil || !strings.Contains(string(b), `"pid":`+strconv.Itoa(pid)) {
		t.Errorf("the plugin log does not record process %d: %v\n%s", pid, err, b)
	}
	// The next call starts a fresh plugin and succeeds.
	r = again()
	var page struct{ Data []any }
	if err := json.Unmarshal([]byte(r.stdout), &page); err != nil || len(page.Data) != 1 {
		t.Errorf("the call after the crash: %v\n%s", err, r.stdout)
	}
}

func TestSIGTERMStopsEveryPlugin(t *testing.T) {
	host, pid, home, _ := slowCall(t)
	if err := host.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	r := host.wait(t, 10*time.Second)
	if r.code != 128+int(syscall.SIGTERM) || !strings.Contains(r.stderr, "error: stopped by terminated") {
		t.Errorf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if svAlive(pid) {
		t.Errorf("plugin %d outlived its host", pid)
	}
	// The host saw the plugin exit before it quit itself: it stopped it,
	// rather than leaving it to the parent-death signal.
	b, _ := os.ReadFile(filepath.Join(home, "logs", "twitter-ads.log"))
	stopped := false
	for _, line := range strings.Split(string(b), "\n") {
		stopped = stopped || strings.Contains(line, `"@message":"plugin process exited"`) && strings.Contains(line, `"pid":`+strconv.Itoa(pid)+",")
	}
	if !stopped {
		t.Errorf("the plugin log does not show the host stopping plugin %d:\n%s", pid, b)
	}
}

func TestKilledHostTakesItsPluginsWithIt(t *testing.T) {
	host, pid, _, _ := slowCall(t)
	if err := host.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	host.wait(t, 10*time.Second)
	if !svGoneWithin(pid, 5*time.Second) {
		t.Errorf("plugin %d outlived its SIGKILLed host by 5s", pid)
	}
}

func TestStartFailuresNameTheBinaryAndSayWhy(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		path := filepath.Join(dir, "integrator-connector-"+name)
		if err := os.WriteFile(path, []byte(body), 0o755); err != nil {
			t.Fatal(err)
		}
		return path
	}
	reasons := map[string]string{
		write("future", "#!/bin/sh\necho '1|99|unix|/nonexistent|grpc'\nexec sleep 2\n"): "it speaks plugin protocol 99, this integrator speaks 1: " +
			"upgrade integrator, or install a version of the plugin built for protocol 1",
		write("panicky", "#!/bin/sh\nprintf 'panic: cannot read config\\n\\ngoroutine 1 [running]:\\nmain.main()\\n\\t/src/main.go:9 +0x1d\\n' >&2\nexit 2\n"): "" +
			`it exited without the plugin handshake: not an integrator plugin, or it crashed on start (it panicked: "panic: cannot read config")`,
		write("silent", "#!/bin/sh\necho 'loading the plugin...' >&2\nexec sleep 30\n"): "" +
			`it did not complete the plugin handshake within 10s: it hangs on start, or is not an integrator plugin (its stderr ends: "loading the plugin...")`,
	}
	home := t.TempDir()
	r := mustRun(t, home, nil, "--plugin-dir", dir, "connectors", "list")
	for path, reason := range reasons {
		if !strings.Contains(r.stderr, "warning: skipped "+path+": "+reason+"\n") {
			t.Errorf("connectors list lacks the reason for %s (%s):\n%s", filepath.Base(path), reason, r.stderr)
		}
	}
	r = integrator(t, home, nil, "--plugin-dir", dir, "connectors", "show", "future")
	if want := "error: plugin " + filepath.Join(dir, "integrator-connector-future") + ": it speaks plugin protocol 99"; r.code != 1 || !strings.HasPrefix(r.stderr, want) {
		t.Errorf("connectors show: exit %d\n%s", r.code, r.stderr)
	}
}

// Ctrl-C while a plugin hangs before its handshake ends the host at once,
// not after the 10 s start timeout, and takes the plugin with it.
func TestInterruptDuringAHungStart(t *testing.T) {
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "pid")
	script := "#!/bin/sh\necho $$ > " + pidFile + "\nexec sleep 30\n"
	if err := os.WriteFile(filepath.Join(dir, "integrator-connector-hang"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	run := startIntegrator(t, t.TempDir(), "--plugin-dir", dir, "connectors", "list")
	waitFor(t, 10*time.Second, "the plugin to start", func() bool { return fileSize(pidFile) > 0 })
	b, _ := os.ReadFile(pidFile)
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	start := time.Now()
	if err := run.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	code := run.wait(t, 10*time.Second)
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("the host took %s to stop after Ctrl-C", took.Round(time.Millisecond))
	}
	if code != 128+int(syscall.SIGINT) || !strings.Contains(run.stderr.String(), "stopped by interrupt") {
		t.Errorf("exit %d, stderr:\n%s", code, run.stderr.String())
	}
	if !svGoneWithin(pid, 2*time.Second) {
		t.Errorf("the hung plugin %d outlived its host", pid)
	}
}
