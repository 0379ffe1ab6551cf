package httpconn

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/openintegrator/integrator/shared"
)

type lockedWriter struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedWriter) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestNoSecretInLogs sends successes, retries, failures and refusals with
// a trace-level logger and scans the log and the diagnostics for the
// signing key, every nonce and signature sent, a query value and a header
// value.
func TestNoSecretInLogs(t *testing.T) {
	a := newAPI(t)
	var logs lockedWriter
	e := New(hclog.New(&hclog.LoggerOptions{Level: hclog.Trace, Output: &logs}), Options{BackoffBase: 10 * time.Millisecond, BackoffMax: 10 * time.Millisecond})
	c := testConn(t, a.URL)
	const queryValue, headerValue = "query-value-kept-out", "header-value-kept-out"
	var said []string
	a.setAnswer(script(status(420, "Retry-After", "0"), status(500), hangUp, status(400), status(200)))
	for _, req := range []shared.Request{
		{URL: "items", Query: params("token", queryValue), Header: headers("X-Api-Key", headerValue)},
		{Method: "POST", URL: "items", Query: params("token", queryValue)},
		{Method: "POST", URL: "items", Body: []byte("a=1"), Header: headers("Content-Type", "application/x-www-form-urlencoded")},
		{URL: "https://evil.example/x?token=" + queryValue},
		{URL: "items", Header: headers("X-Api-Key", headerValue+"\x01")},
	} {
		resp, err := e.Do(context.Background(), c, req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		for _, d := range resp.Diagnostics {
			said = append(said, d.Error())
		}
	}
	secrets := []string{testKey, queryValue, headerValue}
	for _, r := range a.requests() {
		secrets = append(secrets, r.Nonce, r.Authorization[strings.LastIndex(r.Authorization, "=")+1:])
	}
	out := logs.String()
	if len(a.requests()) < 5 || !strings.Contains(out, "[DEBUG]") || !strings.Contains(out, "status=") || !strings.Contains(out, "wait=") {
		t.Fatalf("%d requests; the log lacks the debug lines:\n%s", len(a.requests()), out)
	}
	text := out + "\n" + strings.Join(said, "\n")
	for _, s := range secrets {
		if len(s) >= 6 && strings.Contains(text, s) {
			t.Errorf("%q appears in the log or a diagnostic", s)
		}
	}
	for _, reason := range []string{"reason=420", "reason=5xx"} { // the status that asked for the wait
		if !strings.Contains(out, reason) {
			t.Errorf("the log lacks %s:\n%s", reason, out)
		}
	}
	if strings.Contains(out, "Authorization") || strings.Contains(out, "HMAC") {
		t.Errorf("the log mentions the Authorization header:\n%s", out)
	}
}

// TestEngineNamesNoAPI: the engine's code knows no API by name; what an
// API is like comes from its connector's profile.
func TestEngineNamesNoAPI(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	named := regexp.MustCompile(`(?i)twitter|twimg|x\.com|\bads\b|ads[-_ ]api`)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			if named.MatchString(line) {
				t.Errorf("%s:%d names an API: %s", f, i+1, strings.TrimSpace(line))
			}
		}
	}
	if len(files) < 5 {
		t.Errorf("only %d files read", len(files))
	}
}
