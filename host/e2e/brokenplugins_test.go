package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func runBinary(t *testing.T, path, home string, args ...string) result {
	t.Helper()
	cmd := exec.Command(path, args...)
	cmd.Env = []string{"INTEGRATOR_HOME=" + home, "HOME=" + home, "PATH=/usr/bin:/bin"}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{out.String(), errOut.String(), code}
}

// brokenPluginDir makes a plugin folder of files that are not working
// plugins, each named as one, and returns it with the expected reasons.
func brokenPluginDir(t *testing.T) (string, map[string]string) {
	dir := t.TempDir()
	write := func(name, body string, mode os.FileMode) {
		if err := os.WriteFile(filepath.Join(dir, "integrator-connector-"+name), []byte(body), mode); err != nil {
			t.Fatal(err)
		}
	}
	write("chatty", "#!/bin/sh\necho 'hello from a script'\n", 0o755)
	write("crash", "#!/bin/sh\necho 'boom: cannot start' >&2\nexit 3\n", 0o755)
	write("future", "#!/bin/sh\necho '1|2|unix|/nonexistent.sock|grpc'\nsleep 2\n", 0o755)
	write("garbage", string(bytes.Repeat([]byte{0x7f, 0x00, 0xfe, 0x12}, 64)), 0o755)
	write("noexec", "#!/bin/sh\n", 0o644)
	write("Bad_Name", "#!/bin/sh\n", 0o755)
	if err := os.WriteFile(filepath.Join(dir, "README.txt"), []byte("not a plugin and not named like one"), 0o644); err != nil {
		t.Fatal(err)
	}
	copyFile(t, filepath.Join(bin, "plugins", "integrator-connector-twitter-ads"), filepath.Join(dir, "integrator-connector-renamed"), 0o755)
	return dir, map[string]string{
		"chatty":   `it printed "hello from a script" instead of the plugin handshake`,
		"crash":    `it exited without the plugin handshake: not an integrator plugin, or it crashed on start (its stderr ends: "boom: cannot start")`,
		"future":   "it speaks plugin protocol 2, this integrator speaks 1: upgrade integrator",
		"garbage":  "it is not a program for this machine (exec format error)",
		"noexec":   "it is not executable (chmod +x",
		"Bad_Name": "the name is not integrator-connector-<type>",
		"renamed":  `the file name says type "renamed" but the plugin reports "twitter-ads"`,
	}
}

func TestBrokenPluginsDoNotBreakTheListing(t *testing.T) {
	dir, reasons := brokenPluginDir(t)
	home := t.TempDir()

	r := integrator(t, home, nil, "--plugin-dir", dir, "connectors", "list", "--json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var conns []map[string]string
	if err := json.Unmarshal([]byte(r.stdout), &conns); err != nil {
		t.Fatalf("stdout is not only JSON: %v\n%s", err, r.stdout)
	}
	if len(conns) != 1 || conns[0]["type"] != "twitter-ads" {
		t.Errorf("connectors: %v", conns)
	}
	for name, reason := range reasons {
		if !strings.Contains(r.stderr, "warning: skipped "+filepath.Join(dir, "integrator-connector-"+name)+": "+reason) {
			t.Errorf("stderr lacks the warning for %s (%q):\n%s", name, reason, r.stderr)
		}
	}
	if strings.Contains(r.stderr, "README") {
		t.Errorf("a file not named as a plugin was reported:\n%s", r.stderr)
	}

	r = integrator(t, home, nil, "--plugin-dir", dir, "plugins", "list", "--json")
	var list []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	got := map[string]map[string]any{}
	for _, p := range list {
		got[p["type"].(string)] = p
	}
	for name, reason := range reasons {
		p := got[name]
		if p["status"] != "error" || !strings.Contains(fmt.Sprint(p["error"]), reason) {
			t.Errorf("%s: %v, want error containing %q", name, p, reason)
		}
	}
	if p := got["twitter-ads"]; p["status"] != "ok" || len(fmt.Sprint(p["sha256"])) != 64 || p["checksum"] != "sha256:"+fmt.Sprint(p["sha256"]) || p["trusted"] != true {
		t.Errorf("twitter-ads: %v", p)
	}
	if len(list) != len(reasons)+1 {
		t.Errorf("listed %d plugins, want %d", len(list), len(reasons)+1)
	}
}

func TestEarlierFolderShadowsLater(t *testing.T) {
	dir := t.TempDir()
	first := filepath.Join(dir, "integrator-connector-twitter-ads")
	copyFile(t, filepath.Join(bin, "plugins", "integrator-connector-twitter-ads"), first, 0o755)
	r := integrator(t, t.TempDir(), nil, "--plugin-dir", dir, "plugins", "list", "--json")
	var list []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0]["path"] != first || list[0]["status"] != "ok" ||
		list[1]["status"] != "shadowed" || list[1]["shadowed_by"] != first {
		t.Errorf("list: %v", list)
	}
	show := integrator(t, t.TempDir(), nil, "--plugin-dir", dir, "connectors", "list", "--json")
	if !strings.Contains(show.stdout, first) {
		t.Errorf("connectors list does not use the --plugin-dir plugin:\n%s", show.stdout)
	}
}
