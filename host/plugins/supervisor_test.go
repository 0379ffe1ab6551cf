package plugins

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// These tests run the real connector plugin binary, built once by TestMain,
// through the supervisor. They know the connector only through its schema.

const pluginType = "twitter-ads"

var pluginBin string // the built plugin, named as discovery wants it

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	dir, err := os.MkdirTemp("", "integrator-plugins-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	pluginBin = filepath.Join(dir, Prefix+pluginType)
	_, file, _, _ := runtime.Caller(0)
	cmd := exec.Command("go", "build", "-o", pluginBin, "./plugin/cmd/integrator-connector-"+pluginType)
	cmd.Dir = filepath.Join(filepath.Dir(file), "..", "..")
	if out, err := cmd.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building the plugin: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

func target(t *testing.T, path string) Target {
	t.Helper()
	sum, err := fileSHA256(path)
	if err != nil {
		t.Fatal(err)
	}
	return Target{Candidate: Candidate{Type: pluginType, Path: path}, SHA256: sum}
}

func newSupervisor(t *testing.T, cfg SupervisorConfig) *Supervisor {
	t.Helper()
	cfg.Client.Env = []string{shared.LogLevelEnv + "=warn"}
	cfg.Cache = NewExecCache(filepath.Join(t.TempDir(), "cache"))
	s := NewSupervisor(cfg)
	t.Cleanup(s.Shutdown)
	return s
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// configFor fills a connection config from the spec alone: every required
// field gets a credential-shaped value and every URL field points at api.
func configFor(spec schema.Spec, api string) schema.Config {
	cfg := schema.Config{}
	for _, f := range spec.Fields {
		switch {
		case f.Kind == schema.KindURL:
			cfg[f.Key] = schema.StringValue(api)
		case f.Required:
			cfg[f.Key] = schema.StringValue("12345-Test" + strconv.Itoa(len(cfg)))
		}
	}
	return cfg.WithDefaults(spec)
}

func get(ctx context.Context, h *Handle, api string) error {
	resp, err := h.DoRequest(ctx, configFor(h.Spec, api), shared.Request{Method: "GET", URL: "accounts"})
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.Status != http.StatusOK {
		return fmt.Errorf("status %d, diagnostics %v, body %s", resp.Status, resp.Diagnostics, b)
	}
	return nil
}

// pluginProcesses counts the live processes of the plugin binary at path.
func pluginProcesses(path string) int {
	entries, _ := os.ReadDir("/proc")
	n := 0
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		// The supervisor runs a verified copy of the binary, with the
		// binary's path as argv[0].
		cmdline, _ := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if name, _, _ := strings.Cut(string(cmdline), "\x00"); name == path && alive(pid) {
			n++
		}
	}
	return n
}

// alive reports whether pid is a running process (not gone, not a zombie).
func alive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i >= 0 && i+2 < len(s) && s[i+2] != 'Z' && s[i+2] != 'X'
}

func needProc(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("counts processes through /proc")
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting: %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func statusOf(s *Supervisor) Status {
	for _, st := range s.Status() {
		if st.Type == pluginType {
			return st
		}
	}
	return Status{}
}

// okAPI answers every request with an empty page, after a short pause so
// that concurrent calls overlap.
func okAPI(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(20 * time.Millisecond)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"data":[],"next_cursor":null}`)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestConcurrentCallsShareOneProcess(t *testing.T) {
	needProc(t)
	api := okAPI(t)
	s := newSupervisor(t, SupervisorConfig{})
	ctx := testCtx(t)
	tg := target(t, pluginBin)

	var most atomic.Int32
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for {
			if n := int32(pluginProcesses(pluginBin)); n > most.Load() {
				most.Store(n)
			}
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()

	// 50 callers, all starting cold: one process is started and shared.
	const callers = 50
	var wg sync.WaitGroup
	errs := make(chan error, callers)
	for i := 0; i < callers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h, err := s.Acquire(ctx, tg)
			if err != nil {
				errs <- err
				return
			}
			defer h.Close()
			errs <- get(ctx, h, api.URL)
		}()
	}
	wg.Wait()
	close(stop)
	<-sampled
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if n := most.Load(); n != 1 {
		t.Errorf("at most %d plugin processes ran at once, want 1", n)
	}
	if st := statusOf(s); st.Starts != 1 || st.Pid == 0 || st.Handles != 0 || st.Calls != 0 {
		t.Errorf("status %+v, want one start, a live process, no handles or calls", st)
	}
}

func TestCrashFailsTheCallAndTheNextCallRestarts(t *testing.T) {
	needProc(t)
	entered := make(chan struct{}, 1)
	var block atomic.Bool
	block.Store(true)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if block.Load() {
			entered <- struct{}{}
			select {
			case <-r.Context().Done():
			case <-time.After(30 * time.Second):
			}
			return
		}
		io.WriteString(w, `{"data":[]}`)
	}))
	t.Cleanup(api.Close)
	logDir := t.TempDir()
	s := newSupervisor(t, SupervisorConfig{LogDir: logDir})
	ctx := testCtx(t)
	h, err := s.Acquire(ctx, target(t, pluginBin))
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()

	// Kill the process while a call is in flight.
	pid := statusOf(s).Pid
	callErr := make(chan error, 1)
	go func() { callErr <- get(ctx, h, api.URL) }()
	<-entered
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err = <-callErr
	var crash *CrashError
	if !errors.As(err, &crash) || !errors.Is(err, shared.ErrPluginUnavailable) {
		t.Fatalf("the call in flight got %v, want a *CrashError", err)
	}
	if crash.Pid != pid || crash.Status != "signal: killed" || crash.Call != "DoRequest" || crash.Log != filepath.Join(logDir, pluginType+".log") {
		t.Errorf("crash %+v", crash)
	}
	if msg := err.Error(); !strings.Contains(msg, "plugin twitter-ads crashed during DoRequest (pid "+strconv.Itoa(pid)+", signal: killed)") ||
		!strings.Contains(msg, "its log: "+crash.Log) {
		t.Errorf("message %q", msg)
	}
	if log, _ := os.ReadFile(crash.Log); !strings.Contains(string(log), `"@message":"plugin process started"`) ||
		!strings.Contains(string(log), `"status":"signal: killed"`) {
		t.Errorf("the plugin log lacks the start and the exit:\n%s", log)
	}

	// The next call, through the same handle, runs on a fresh process.
	block.Store(false)
	if err := get(ctx, h, api.URL); err != nil {
		t.Fatalf("the call after the crash: %v", err)
	}
	st := statusOf(s)
	if st.Pid == pid || st.Pid == 0 || st.Starts != 2 || st.Failures != 1 {
		t.Errorf("status after restart %+v (old pid %d)", st, pid)
	}
	if alive(pid) {
		t.Errorf("the killed process %d is still there", pid)
	}

	// A crash between calls is noticed, and the next call restarts too.
	pid = st.Pid
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the supervisor notices the exit", func() bool { return statusOf(s).Pid == 0 })
	if err := get(ctx, h, api.URL); err != nil {
		t.Fatalf("the call after the second crash: %v", err)
	}
	if n := pluginProcesses(pluginBin); n != 1 {
		t.Errorf("%d plugin processes, want 1", n)
	}
}

func TestIdlePluginStops(t *testing.T) {
	needProc(t)
	api := okAPI(t)
	s := newSupervisor(t, SupervisorConfig{IdleTimeout: 200 * time.Millisecond})
	ctx := testCtx(t)
	tg := target(t, pluginBin)
	h, err := s.Acquire(ctx, tg)
	if err != nil {
		t.Fatal(err)
	}
	if err := get(ctx, h, api.URL); err != nil {
		t.Fatal(err)
	}
	pid := statusOf(s).Pid
	time.Sleep(400 * time.Millisecond)
	if !alive(pid) {
		t.Fatal("the process stopped while a handle was held")
	}
	h.Close()
	waitFor(t, "the idle process stops", func() bool { return !alive(pid) && statusOf(s).Pid == 0 })
	if err := get(ctx, h, api.URL); err == nil {
		t.Error("a released handle still works")
	}
	h, err = s.Acquire(ctx, tg)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	if err := get(ctx, h, api.URL); err != nil {
		t.Fatal(err)
	}
	if st := statusOf(s); st.Starts != 2 || st.Failures != 0 {
		t.Errorf("status %+v: an idle stop is not a crash", st)
	}
}

func TestShutdownStopsEveryProcess(t *testing.T) {
	needProc(t)
	entered := make(chan struct{}, 1)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		entered <- struct{}{}
		select {
		case <-r.Context().Done():
		case <-time.After(30 * time.Second):
		}
	}))
	t.Cleanup(api.Close)
	s := NewSupervisor(SupervisorConfig{Cache: NewExecCache(filepath.Join(t.TempDir(), "cache"))})
	ctx := testCtx(t)
	h, err := s.Acquire(ctx, target(t, pluginBin))
	if err != nil {
		t.Fatal(err)
	}
	pid := statusOf(s).Pid
	callErr := make(chan error, 1)
	go func() { callErr <- get(ctx, h, api.URL) }()
	<-entered
	s.Shutdown()
	if alive(pid) {
		t.Errorf("process %d outlived Shutdown", pid)
	}
	if err := <-callErr; !errors.Is(err, ErrStopped) || err.Error() != "plugin twitter-ads was stopped during DoRequest (integrator is exiting)" {
		t.Errorf("the call in flight got %v, want a stop error", err)
	}
	if _, err := s.Acquire(ctx, target(t, pluginBin)); !errors.Is(err, ErrShutdown) {
		t.Errorf("Acquire after Shutdown: %v", err)
	}
	s.Shutdown() // again: no effect
}

func TestAnotherBinaryReplacesTheProcess(t *testing.T) {
	needProc(t)
	api := okAPI(t)
	s := newSupervisor(t, SupervisorConfig{})
	ctx := testCtx(t)
	h, err := s.Acquire(ctx, target(t, pluginBin))
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	old := statusOf(s).Pid

	other := filepath.Join(t.TempDir(), Prefix+pluginType)
	b, err := os.ReadFile(pluginBin)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(other, b, 0o755); err != nil {
		t.Fatal(err)
	}
	h2, err := s.Acquire(ctx, target(t, other))
	if err != nil {
		t.Fatal(err)
	}
	defer h2.Close()
	waitFor(t, "the old process stops", func() bool { return !alive(old) })
	if err := get(ctx, h, api.URL); err != nil {
		t.Fatal(err)
	}
	if st := statusOf(s); st.Path != other || st.Pid == old || pluginProcesses(other) != 1 {
		t.Errorf("status %+v", st)
	}
}

func TestCrashLoopBacksOff(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, Prefix+"crashy")
	if err := os.WriteFile(path, []byte("#!/bin/sh\necho 'boom: no config' >&2\nexit 3\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	sum, _ := fileSHA256(path)
	tg := Target{Candidate: Candidate{Type: "crashy", Path: path}, SHA256: sum}
	s := newSupervisor(t, SupervisorConfig{Backoff: Backoff{Min: time.Hour}})
	ctx := testCtx(t)
	for i := 0; i < 2; i++ { // the first failure is retried at once
		_, err := s.Acquire(ctx, tg)
		if err == nil || !strings.Contains(err.Error(), `it exited without the plugin handshake`) || !strings.Contains(err.Error(), "boom: no config") {
			t.Fatalf("start %d: %v", i+1, err)
		}
	}
	short, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	begin := time.Now()
	_, err := s.Acquire(short, tg)
	if err == nil || !strings.Contains(err.Error(), "plugin crashy failed 2 times in a row") || !strings.Contains(err.Error(), "it is started again in") {
		t.Fatalf("third start: %v", err)
	}
	if time.Since(begin) > 500*time.Millisecond {
		t.Errorf("a caller whose deadline comes before the backoff ends waited %s", time.Since(begin))
	}
	if st := s.Status()[0]; st.Failures != 2 || st.Starts != 0 {
		t.Errorf("status %+v", st)
	}
}

func TestBackoffDelays(t *testing.T) {
	b := Backoff{Min: 500 * time.Millisecond, Max: 30 * time.Second}
	want := []time.Duration{0, 0, 500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second,
		16 * time.Second, 30 * time.Second, 30 * time.Second}
	for n, w := range want {
		if got := b.delay(n); got != w {
			t.Errorf("delay(%d) = %s, want %s", n, got, w)
		}
	}
}

func TestClosingABodyEarlyIsNoCrash(t *testing.T) {
	needProc(t)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		chunk := strings.Repeat("x", 64<<10)
		for i := 0; i < 256 && r.Context().Err() == nil; i++ {
			io.WriteString(w, chunk)
			w.(http.Flusher).Flush()
			time.Sleep(time.Millisecond)
		}
	}))
	t.Cleanup(api.Close)
	s := newSupervisor(t, SupervisorConfig{})
	ctx := testCtx(t)
	h, err := s.Acquire(ctx, target(t, pluginBin))
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	pid := statusOf(s).Pid
	for i := 0; i < 5; i++ {
		resp, err := h.DoRequest(ctx, configFor(h.Spec, api.URL), shared.Request{Method: "GET", URL: "big"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadFull(resp.Body, make([]byte, 100<<10)); err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if st := statusOf(s); st.Pid != pid || st.Failures != 0 || st.Calls != 0 {
		t.Errorf("status %+v after closing bodies early (pid was %d)", st, pid)
	}
	if err := get(ctx, h, okAPI(t).URL); err != nil {
		t.Fatal(err)
	}
}
