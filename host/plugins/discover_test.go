package plugins

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestDirsOrderAndDuplicates(t *testing.T) {
	got := Dirs([]string{"/a", "/b", "/a"}, "/home/plugins", "/opt/integrator")
	want := []string{"/a", "/b", "/home/plugins", "/opt/integrator/plugins"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestDiscover(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	mk := func(dir, name string, mode os.FileMode) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\n"), mode); err != nil {
			t.Fatal(err)
		}
	}
	mk(a, "integrator-connector-zeta", 0o755)
	mk(a, "integrator-connector-alpha", 0o755)
	mk(a, "notes.txt", 0o644)
	mk(a, "integrator-connector-off", 0o600)
	mk(b, "integrator-connector-alpha", 0o755)
	mk(b, "integrator-connector-x.sh", 0o755)
	if err := os.Mkdir(filepath.Join(b, "integrator-connector-dir"), 0o755); err != nil {
		t.Fatal(err)
	}
	got, err := Discover([]string{a, filepath.Join(a, "missing"), b})
	if err != nil {
		t.Fatal(err)
	}
	type row struct{ Type, Dir, Problem, Shadow string }
	var rows []row
	for _, c := range got {
		p := c.Problem
		if i := strings.IndexByte(p, '('); i > 0 {
			p = p[:i]
		}
		rows = append(rows, row{c.Type, filepath.Dir(c.Path), strings.TrimSpace(p), c.ShadowedBy})
	}
	want := []row{
		{"alpha", a, "", ""},
		{"off", a, "it is not executable", ""},
		{"zeta", a, "", ""},
		{"alpha", b, "", filepath.Join(a, "integrator-connector-alpha")},
		{"dir", b, "it is a folder, not a program", ""},
		{"x.sh", b, "the name is not integrator-connector-<type> with a type of lower-case words joined by hyphens", ""},
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestExplain(t *testing.T) {
	tests := []struct{ err, stderr, want string }{
		{"Unrecognized remote plugin message: \nFailed to read any lines from plugin's stdout\nThis usually means...", "line one\npanic: boom\n\ngoroutine 1 [running]:\nmain.main()",
			`it exited without the plugin handshake: not an integrator plugin, or it crashed on start (it panicked: "panic: boom")`},
		{"plugin exited before we could connect", "one\ntwo\nthree\nfour",
			`it exited without the plugin handshake: not an integrator plugin, or it crashed on start (its stderr ends: "two | three | four")`},
		{"Unrecognized remote plugin message: Usage: tool [flags]\nThis usually means", "",
			`it printed "Usage: tool [flags]" instead of the plugin handshake: not an integrator plugin, or one that writes to stdout before serving`},
		{"incompatible API version with plugin. Plugin version: 7, Client versions: [1]", "",
			"it speaks plugin protocol 7, this integrator speaks 1: upgrade integrator, or install a version of the plugin built for protocol 1"},
		{"incompatible API version with plugin. Plugin version: 0, Client versions: [1]", "",
			"it speaks plugin protocol 0, this integrator speaks 1: upgrade the plugin to a version built for protocol 1"},
		{"fork/exec /x: exec format error", "", "it is not a program for this machine (exec format error)"},
		{"timeout while waiting for plugin to start", `{"@level":"info","@message":"loading the universe","@timestamp":"x"}`,
			`it did not complete the plugin handshake within 2s: it hangs on start, or is not an integrator plugin (its stderr ends: "[INFO] loading the universe")`},
		{"starting plugin: something new\nmore", "", "something new"},
	}
	for _, tt := range tests {
		if got := explain(errors.New(tt.err), tt.stderr, 2*time.Second).Error(); got != tt.want {
			t.Errorf("explain(%q) =\n%q, want\n%q", tt.err, got, tt.want)
		}
	}
}

func TestTailKeepsThePanicLine(t *testing.T) {
	var tl tail
	tl.Write([]byte("starting\n"))
	tl.Write([]byte("panic: runtime error: index out of range"))
	tl.Write([]byte("\n"))
	for i := 0; i < 500; i++ {
		tl.Write([]byte("goroutine 1 [running]:\nmain.main()\n"))
	}
	if got := stderrSummary(tl.String()); got != `it panicked: "panic: runtime error: index out of range"` {
		t.Errorf("summary %q", got)
	}
	if got := panicLine(tl.String()); got != "panic: runtime error: index out of range" {
		t.Errorf("panic line %q", got)
	}
}
