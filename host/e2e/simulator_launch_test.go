package e2e

import (
	"bufio"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// simInfo is the JSON line twitter-ads-sim prints when it is ready.
type simInfo struct {
	URL            string `json:"url"`
	DownloadURL    string `json:"download_url"`
	ConsumerKey    string `json:"consumer_key"`
	ConsumerSecret string `json:"consumer_secret"`
	AccessToken    string `json:"access_token"`
	TokenSecret    string `json:"token_secret"`
	AccountID      string `json:"account_id"`
}

var (
	launchOnce    sync.Once
	launchPath   string
	launchErr error
)

// launchSimulator builds (once) and starts the X Ads API simulator binary
// with args, and stops it when the test ends.
func launchSimulator(t *testing.T, args ...string) simInfo {
	t.Helper()
	launchOnce.Do(func() {
		launchPath = filepath.Join(bin, "twitter-ads-sim")
		cmd := exec.Command("go", "build", "-o", launchPath, "./plugin/cmd/twitter-ads-sim")
		cmd.Dir = moduleRoot()
		if out, err := cmd.CombinedOutput(); err != nil {
			launchErr = err
			t.Logf("%s", out)
		}
	})
	if launchErr != nil {
		t.Fatalf("building the simulator: %v", launchErr)
	}
	cmd := exec.Command(launchPath, append([]string{"--addr", "127.0.0.1:0"}, args...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	lines := make(chan []byte, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		if sc.Scan() {
			lines <- append([]byte(nil), sc.Bytes()...)
		}
		close(lines)
	}()
	select {
	case line, ok := <-lines:
		var info simInfo
		if !ok || json.Unmarshal(line, &info) != nil || info.URL == "" {
			t.Fatalf("simulator printed %q", line)
		}
		return info
	case <-time.After(20 * time.Second):
		t.Fatal("the simulator did not start")
	}
	return simInfo{}
}
