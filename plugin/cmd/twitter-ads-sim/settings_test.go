package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// --settings writes a Twitter Ads connection's settings, KEY=VALUE lines
// a secrets file and a shell both read, mode 0600, once listening.
func TestSettingsFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sim.env")
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr bytes.Buffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"--seed", "3", "--settings", path}, &stdout, &stderr) }()
	var body []byte
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if b, err := os.ReadFile(path); err == nil {
			body = b
			break
		}
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if body == nil {
		t.Fatal("no settings file")
	}
	keys := []string{}
	for _, line := range strings.Split(strings.TrimSpace(string(body)), "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok || v == "" || strings.ContainsAny(v, " '\"") {
			t.Errorf("line %q is not KEY=VALUE a shell reads as it is", line)
		}
		keys = append(keys, k)
	}
	if got := strings.Join(keys, " "); got != "base_uri account_id consumer_key consumer_secret access_token token_secret" {
		t.Errorf("keys %s", got)
	}
	if !strings.Contains(string(body), "base_uri=http://127.0.0.1:") || !strings.Contains(stdout.String(), `"url":"http://127.0.0.1:`) {
		t.Errorf("settings:\n%s\nstdout: %s", body, stdout.String())
	}
	if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, %v", info.Mode(), err)
	}
	if _, err := os.Stat(path + ".tmp"); !os.IsNotExist(err) {
		t.Errorf("the temporary file is left: %v", err)
	}
}
