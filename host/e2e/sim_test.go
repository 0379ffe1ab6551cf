package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// The simulator binary is built once, beside the others, by the first
// test that needs it.
var (
	simBinOnce sync.Once
	simBinPath string
	simBinErr  error
)

func simBinary(t *testing.T) string {
	t.Helper()
	simBinOnce.Do(func() {
		simBinPath = filepath.Join(bin, "connector-e2e", "twitter-ads-sim")
		cmd := exec.Command("go", "build", "-o", simBinPath, "./plugin/cmd/twitter-ads-sim")
		cmd.Dir = moduleRoot()
		if out, err := cmd.CombinedOutput(); err != nil {
			simBinErr = &simBuildError{err, out}
		}
	})
	if simBinErr != nil {
		t.Fatal(simBinErr)
	}
	return simBinPath
}

type simBuildError struct {
	err error
	out []byte
}

func (e *simBuildError) Error() string {
	return "building the simulator: " + e.err.Error() + "\n" + string(e.out)
}

// simInfo is a running simulator process as its ready line describes it:
// its URLs and demo credentials. It is the one declaration of that line here.
type simInfo struct {
	URL            string `json:"url"`
	DownloadURL    string `json:"download_url"`
	ConsumerKey    string `json:"consumer_key"`
	ConsumerSecret string `json:"consumer_secret"`
	AccessToken    string `json:"access_token"`
	TokenSecret    string `json:"token_secret"`
	AccountID      string `json:"account_id"`
}

// launchSimulator runs the simulator binary with extra flags until the test
// ends.
func launchSimulator(t *testing.T, flags ...string) simInfo {
	t.Helper()
	cmd := exec.Command(simBinary(t), append([]string{"--addr", "127.0.0.1:0"}, flags...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	lines := make(chan []byte, 1)
	go func() {
		line, _ := bufio.NewReader(out).ReadBytes('\n')
		lines <- line
		cmd.Wait()
		close(done)
	}()
	var s simInfo
	select {
	case line := <-lines:
		if err := json.Unmarshal(line, &s); err != nil || s.URL == "" {
			t.Fatalf("simulator ready line %q: %v; stderr:\n%s", line, err, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("the simulator did not start; stderr:\n%s", stderr.String())
	}
	return s
}

// config is a connection to the simulator; kv overrides settings.
func (s simInfo) config(kv ...string) schema.Config {
	cfg := schema.Config{
		"consumer_key":    schema.StringValue(s.ConsumerKey),
		"consumer_secret": schema.StringValue(s.ConsumerSecret),
		"access_token":    schema.StringValue(s.AccessToken),
		"token_secret":    schema.StringValue(s.TokenSecret),
		"base_uri":        schema.StringValue(s.URL),
	}
	for i := 0; i+1 < len(kv); i += 2 {
		cfg[kv[i]] = schema.StringValue(kv[i+1])
	}
	return cfg
}

// secrets are the values that must never appear in a log.
func (s simInfo) secrets() []string {
	return []string{s.ConsumerSecret, s.AccessToken, s.TokenSecret}
}

// logBuffer is a buffer that loggers in several goroutines may share.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *logBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *logBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startConnectorPlugin starts the real Twitter Ads plugin binary with its log, at
// debug level, going to the returned buffer.
func startConnectorPlugin(t *testing.T) (*shared.Instance, *logBuffer) {
	t.Helper()
	logs := &logBuffer{}
	logger := hclog.New(&hclog.LoggerOptions{Name: "e2e", Level: hclog.Debug, Output: logs})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	inst, err := shared.Start(ctx, filepath.Join(bin, "plugins", "integrator-connector-twitter-ads"), shared.ClientOptions{
		Logger: logger,
		Env:    []string{shared.LogLevelEnv + "=debug"},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(inst.Close)
	return inst, logs
}
