package app

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/openintegrator/integrator/host/plugins"
	"github.com/openintegrator/integrator/schema"
)

// These tests drive the core as a front end would, with the real plugin
// binary and the X Ads API simulator binary, both built once by TestMain.
// They know the connector only through its schema and the simulator's
// ready line; no cobra, no terminal.

const pluginType = "twitter-ads"

var (
	pluginBin string // the built plugin, named as discovery wants it
	simBin    string // the built simulator
)

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	dir, err := os.MkdirTemp("", "integrator-app-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	pluginBin = filepath.Join(dir, plugins.Prefix+pluginType)
	simBin = filepath.Join(dir, "twitter-ads-sim")
	_, file, _, _ := runtime.Caller(0)
	for out, pkg := range map[string]string{pluginBin: "./plugin/cmd/integrator-connector-" + pluginType, simBin: "./plugin/cmd/twitter-ads-sim"} {
		cmd := exec.Command("go", "build", "-o", out, pkg)
		cmd.Dir = filepath.Join(filepath.Dir(file), "..", "..")
		if b, err := cmd.CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "building %s: %v\n%s", pkg, err, b)
			return 1
		}
	}
	return m.Run()
}

// env is a test's environment, as Options.Getenv reads it.
type env struct {
	mu   sync.Mutex
	vars map[string]string
}

func (e *env) get(name string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.vars[name]
}

func (e *env) set(name, value string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.vars[name] = value
}

// testApp is an App with its own home and a plugin folder holding a copy
// of the built plugin, whose path it returns too.
func testApp(t *testing.T) (*App, *env, string) {
	t.Helper()
	dir := t.TempDir()
	plugin := filepath.Join(dir, plugins.Prefix+pluginType)
	b, err := os.ReadFile(pluginBin)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(plugin, b, 0o755); err != nil {
		t.Fatal(err)
	}
	e := &env{vars: map[string]string{"INTEGRATOR_HOME": t.TempDir()}}
	a := New(Options{Getenv: e.get, PluginDirs: []string{dir}, LogLevel: "warn"})
	t.Cleanup(a.Close)
	return a, e, plugin
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// sim is a running simulator: its ready line's values by name.
type sim map[string]string

// startSim runs the simulator binary with args until the test ends.
func startSim(t *testing.T, args ...string) sim {
	t.Helper()
	cmd := exec.Command(simBin, append([]string{"--addr", "127.0.0.1:0"}, args...)...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	})
	line, err := bufio.NewReader(out).ReadBytes('\n')
	var s sim
	if err != nil || json.Unmarshal(line, &s) != nil || s["url"] == "" {
		t.Fatalf("simulator ready line %q: %v", line, err)
	}
	return s
}

// settings gives every setting of spec that the simulator's ready line
// has a value for (secrets through environment variables set in e), and
// the simulator's URL to every URL setting without one.
func (s sim) settings(spec schema.Spec, e *env) Settings {
	var in Settings
	for _, f := range spec.Fields {
		v, ok := s[f.Key]
		switch {
		case ok && f.Secret:
			name := "TEST_" + strings.ToUpper(f.Key)
			e.set(name, v)
			in.SecretEnv = append(in.SecretEnv, f.Key+"="+name)
		case ok:
			in.Set = append(in.Set, f.Key+"="+v)
		case f.Kind == schema.KindURL:
			in.Set = append(in.Set, f.Key+"="+s["url"])
		}
	}
	return in
}

// secrets returns the simulator's values of the secret settings of spec.
func (s sim) secrets(spec schema.Spec) map[string]string {
	out := map[string]string{}
	for _, f := range spec.Fields {
		if f.Secret && s[f.Key] != "" {
			out[f.Key] = s[f.Key]
		}
	}
	return out
}

// spec returns the connector's schema through the App.
func spec(t *testing.T, a *App) schema.Spec {
	t.Helper()
	c, err := a.Connector(testCtx(t), pluginType)
	if err != nil {
		t.Fatal(err)
	}
	return c.Spec
}

// create saves a connection to the simulator, validated and tested.
func create(t *testing.T, a *App, e *env, s sim, name string) {
	t.Helper()
	ctx := testCtx(t)
	d, err := a.NewConnection(ctx, NewConnection{Type: pluginType, Name: name, Settings: s.settings(spec(t, a), e)})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.Validate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Test(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Save(ctx); err != nil {
		t.Fatal(err)
	}
}

// recorder is a Progress that keeps a line for everything a run says.
type recorder struct {
	mu      sync.Mutex
	lines   []string
	cleared int
}

func (r *recorder) Update(format string, args ...any) { r.add("status: "+format, args...) }
func (r *recorder) Note(format string, args ...any)   { r.add("note: "+format, args...) }
func (r *recorder) Alert(format string, args ...any)  { r.add("alert: "+format, args...) }
func (r *recorder) Warn(format string, args ...any)   { r.add("warning: "+format, args...) }
func (r *recorder) Shown() bool                       { return true }

func (r *recorder) Clear() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cleared++
}

func (r *recorder) add(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lines = append(r.lines, fmt.Sprintf(format, args...))
}

func (r *recorder) text() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.lines, "\n")
}
