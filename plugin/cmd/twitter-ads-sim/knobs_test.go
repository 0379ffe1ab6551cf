package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/openintegrator/integrator/plugin/oauth1"
	"github.com/openintegrator/integrator/plugin/twitteradssim"
)

// startRun runs the simulator in process with args until the test ends and
// returns its ready line.
func startRun(t *testing.T, args ...string) twitteradssim.Ready {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	done := make(chan int, 1)
	go func() {
		code := run(ctx, args, pw, &stderr)
		pw.Close() // a run that ends before its ready line ends the read
		done <- code
	}()
	t.Cleanup(func() {
		cancel()
		<-done
		pr.Close()
	})
	line, err := bufio.NewReader(pr).ReadString('\n')
	var r twitteradssim.Ready
	if err == nil {
		err = json.Unmarshal([]byte(line), &r)
	}
	if err != nil {
		t.Fatalf("ready line %q: %v; stderr: %s", line, err, stderr.String())
	}
	return r
}

// signedGet sends a signed GET and returns its status and headers.
func signedGet(t *testing.T, r twitteradssim.Ready, path string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("GET", r.URL+path, nil)
	s := &oauth1.Signer{ConsumerKey: r.ConsumerKey, ConsumerSecret: r.ConsumerSecret, Token: r.AccessToken, TokenSecret: r.TokenSecret}
	if err := s.Sign(req); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// --latency delays every request; --read-window and --write-window set
// the rate-limit windows' length, which the reset headers show.
func TestLatencyAndWindowFlags(t *testing.T) {
	r := startRun(t, "--latency", "200ms", "--read-limit", "2", "--read-window", "3s")
	start := time.Now()
	resp := signedGet(t, r, "/12/accounts/"+r.AccountID)
	if took := time.Since(start); took < 200*time.Millisecond {
		t.Errorf("answered after %v with --latency 200ms", took)
	}
	if resp.StatusCode != 200 || resp.Header.Get("x-account-rate-limit-limit") != "2" {
		t.Fatalf("status %d, limit %q", resp.StatusCode, resp.Header.Get("x-account-rate-limit-limit"))
	}
	reset, _ := strconv.ParseInt(resp.Header.Get("x-account-rate-limit-reset"), 10, 64)
	// The window began when the request arrived, before the answer: it
	// resets within 3 s of it (whole seconds, rounded up), not 15 minutes.
	if limit := start.Add(5 * time.Second).Unix(); reset < start.Unix() || reset > limit {
		t.Errorf("reset at %d, want within 3 s of %d", reset, start.Unix())
	}

	var out, errOut bytes.Buffer
	for _, bad := range [][]string{{"--read-window", "0s"}, {"--write-window", "-1s"}, {"--latency", "-5ms"}} {
		errOut.Reset()
		if code := run(context.Background(), bad, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), bad[0]) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and the flag named", bad, code, errOut.String())
		}
	}
	if out.Len() != 0 {
		t.Errorf("a refused start wrote a ready line: %q", out.String())
	}
}

// Two accounts of 50,000 campaigns each, the export the queue's
// end-to-end test makes, are there at once: the last page of the second
// account is served without the ones before it being read.
func TestManyCampaignsAcrossTwoAccounts(t *testing.T) {
	r := startRun(t, "--accounts", "2", "--campaigns", "50000", "--no-account-limit", "-1")
	req, _ := http.NewRequest("GET", r.URL+"/12/accounts?count=10", nil)
	s := &oauth1.Signer{ConsumerKey: r.ConsumerKey, ConsumerSecret: r.ConsumerSecret, Token: r.AccessToken, TokenSecret: r.TokenSecret}
	s.Sign(req)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var accounts struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	json.NewDecoder(resp.Body).Decode(&accounts)
	resp.Body.Close()
	if len(accounts.Data) != 2 {
		t.Fatalf("%d accounts, want 2", len(accounts.Data))
	}
	for _, a := range accounts.Data {
		req, _ := http.NewRequest("GET", r.URL+"/12/accounts/"+a.ID+"/campaigns?count=1&with_deleted=true&with_total_count=true", nil)
		s.Sign(req)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var page struct {
			Total int `json:"total_count"`
		}
		json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if page.Total != 50000 {
			t.Errorf("account %s: total_count %d with deleted ones, want 50000", a.ID, page.Total)
		}
	}
}
