package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/openintegrator/integrator/plugin/oauth1"
	"github.com/openintegrator/integrator/plugin/twitteradssim"
)

func TestBinaryServesUntilInterrupted(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go tool not found")
	}
	bin := filepath.Join(t.TempDir(), "twitter-ads-sim")
	if out, err := exec.Command(goBin, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "--addr", "127.0.0.1:0", "--seed", "7", "--campaigns", "10",
		"--fault", "internal_error,every=1000")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()

	lines := make(chan string, 1)
	rest := make(chan string, 1)
	go func() {
		br := bufio.NewReader(stdout)
		l, _ := br.ReadString('\n')
		lines <- l
		var more strings.Builder
		buf := make([]byte, 512)
		for {
			n, err := br.Read(buf)
			more.Write(buf[:n])
			if err != nil {
				break
			}
		}
		rest <- more.String()
	}()
	var line string
	select {
	case line = <-lines:
	case <-time.After(30 * time.Second):
		t.Fatalf("no JSON line; stderr: %s", stderr.String())
	}
	var info twitteradssim.Ready
	if err := json.Unmarshal([]byte(line), &info); err != nil {
		t.Fatalf("first line %q: %v", line, err)
	}
	if info.ConsumerKey == "" || info.ConsumerSecret == "" || info.AccessToken == "" || info.TokenSecret == "" ||
		info.AccountID == "" {
		t.Errorf("first line lacks a value: %s", line)
	}
	if !strings.HasPrefix(info.URL, "http://127.0.0.1:") || !strings.HasPrefix(info.DownloadURL, "http://127.0.0.1:") {
		t.Errorf("urls %q %q", info.URL, info.DownloadURL)
	}

	req, _ := http.NewRequest("GET", info.URL+"/12/accounts/"+info.AccountID+"/campaigns?count=5", nil)
	s := &oauth1.Signer{ConsumerKey: info.ConsumerKey, ConsumerSecret: info.ConsumerSecret,
		Token: info.AccessToken, TokenSecret: info.TokenSecret}
	if err := s.Sign(req); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		Data []map[string]any `json:"data"`
	}
	json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	if resp.StatusCode != 200 || len(body.Data) != 5 {
		t.Fatalf("signed request: %d, %d campaigns", resp.StatusCode, len(body.Data))
	}

	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit: %v; stderr: %s", err, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("did not exit after SIGINT")
	}
	if more := <-rest; strings.TrimSpace(more) != "" {
		t.Errorf("stdout has more than one line: %q", more)
	}
	for _, secret := range []string{info.ConsumerSecret, info.TokenSecret, info.AccessToken} {
		if strings.Contains(stderr.String(), secret) {
			t.Error("stderr holds a secret")
		}
	}
}

func TestRunFlags(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"--help"}, &out, &errOut); code != 0 {
		t.Errorf("--help exit %d", code)
	}
	for _, flag := range []string{"-addr", "-download-addr", "-seed", "-accounts", "-campaigns", "-line-items-per-campaign",
		"-promoted-tweets-per-line-item", "-funding-instruments", "-job-delay", "-null-url-polls",
		"-download-not-found", "-fault", "-write-limit", "-read-limit", "-sync-stats-limit", "-no-account-limit"} {
		if !strings.Contains(errOut.String(), flag) {
			t.Errorf("--help does not explain %s", flag)
		}
	}
	if out.Len() != 0 {
		t.Errorf("--help wrote to stdout: %q", out.String())
	}
	for _, args := range [][]string{{"--nope"}, {"--fault", "explode"}, {"extra"}} {
		if code := run(context.Background(), args, &out, &errOut); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	if code := run(context.Background(), []string{"--accounts", "0"}, &out, &errOut); code != 1 {
		t.Errorf("--accounts 0: exit %d, want 1", code)
	}
	// In-process run that ends when its context does.
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw, _ := os.Pipe()
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"--seed", "3"}, pw, &bytes.Buffer{}) }()
	line, _ := bufio.NewReader(pr).ReadString('\n')
	if !strings.Contains(line, `"account_id"`) {
		t.Errorf("line %q", line)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("exit %d", code)
	}
	pw.Close()
	pr.Close()
}

func TestParseFault(t *testing.T) {
	f, err := parseFault("unavailable,every=3,retry-after=2s,method=POST,path=/campaigns,download,times=4")
	want := twitteradssim.Fault{Kind: twitteradssim.FaultUnavailable, Every: 3, RetryAfter: 2 * time.Second,
		Method: "POST", Path: "/campaigns", Download: true, Times: 4}
	if err != nil || f != want {
		t.Errorf("parseFault = %+v, %v", f, err)
	}
	for k, name := range map[twitteradssim.FaultKind]string{twitteradssim.FaultCursorCycle: "cursor_cycle", twitteradssim.FaultInvalidUTF8: "invalid_utf8"} {
		if f, err := parseFault(name + ",path=/campaigns"); err != nil || f.Kind != k || f.Path != "/campaigns" {
			t.Errorf("parseFault(%q) = %+v, %v", name, f, err)
		}
	}
	for _, bad := range []string{"", "slow,delay=abc", "reset_after,color=red"} {
		if _, err := parseFault(bad); err == nil {
			t.Errorf("parseFault(%q) accepted", bad)
		}
	}
}
