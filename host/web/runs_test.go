package web

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/openintegrator/integrator/host/app"
)

// These tests drive the Runs pages over HTTP on a console whose home has
// no connection: what is refused before any run starts. The runs
// themselves, through the real plugin and the simulator, are proved in
// host/e2e (console_runs_test.go).

// runsTestConsole serves a console over an empty home until the test
// ends, and returns it, its home and a client signed in to it.
func runsTestConsole(t *testing.T, o Options) (*Server, string, *http.Client) {
	t.Helper()
	home := t.TempDir()
	a := app.New(app.Options{Getenv: func(k string) string {
		if k == "INTEGRATOR_HOME" {
			return home
		}
		return ""
	}})
	t.Cleanup(a.Close)
	s, err := New(a, o)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		s.Serve(ctx)
		close(done)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(s.URL())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("signing in: %s", resp.Status)
	}
	return s, home, c
}

// runsDo sends a request and returns its status and body.
func runsDo(t *testing.T, c *http.Client, method, url, contentType string, body io.Reader) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// runsFolders lists the run folders under home.
func runsFolders(home string) []string {
	entries, _ := os.ReadDir(filepath.Join(home, "runs"))
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

// An import's input file larger than the upload limit is refused (413,
// saying the limit), and nothing of it stays on disk; an import form that
// is not multipart is refused as such.
func TestRunsUploadLimit(t *testing.T) {
	s, home, c := runsTestConsole(t, Options{MaxUploadBytes: 64 << 10})
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("connection", "Prod")
	mw.WriteField("method", "POST")
	mw.WriteField("path", "accounts/{account_id}/campaigns")
	fw, _ := mw.CreateFormFile("input", "big.jsonl")
	fw.Write(bytes.Repeat([]byte(`{"name":"x"}`+"\n"), 10000))
	mw.Close()
	status, page := runsDo(t, c, "POST", s.BaseURL()+"/runs/import", mw.FormDataContentType(), &b)
	if status != http.StatusRequestEntityTooLarge || !strings.Contains(page, "Input file: the input file is larger than the 64 KiB an upload may be") {
		t.Errorf("an input over the limit: %d\n%s", status, page)
	}
	if left := runsFolders(home); len(left) != 0 {
		t.Errorf("an input over the limit left %v", left)
	}
	status, page = runsDo(t, c, "POST", s.BaseURL()+"/runs/import", "application/x-www-form-urlencoded", strings.NewReader("connection=Prod"))
	if status != http.StatusBadRequest || !strings.Contains(page, "multipart/form-data") {
		t.Errorf("an import form that is not multipart: %d\n%s", status, page)
	}
}

// An import's input is streamed to disk as it arrives: receiving a 32 MiB
// file allocates a small part of that (client and server together: they
// share this process), and the refused form removes it.
func TestRunsUploadIsStreamed(t *testing.T) {
	const size = 32 << 20
	s, home, c := runsTestConsole(t, Options{})
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		mw.WriteField("method", "GET") // refused once the file is in
		fw, _ := mw.CreateFormFile("input", "big.jsonl")
		block := bytes.Repeat([]byte(`{"name":"a campaign"}`+"\n"), 3000) // 63 KiB
		for n := 0; n < size; n += len(block) {
			fw.Write(block)
		}
		mw.Close()
		pw.Close()
	}()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	status, page := runsDo(t, c, "POST", s.BaseURL()+"/runs/import", mw.FormDataContentType(), pr)
	runtime.ReadMemStats(&after)
	if status != http.StatusBadRequest || !strings.Contains(page, "Choose the file again") {
		t.Fatalf("the refused import: %d\n%s", status, page)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > size/4 {
		t.Errorf("receiving a %d MiB input allocated %d MiB", size>>20, alloc>>20)
	}
	if left := runsFolders(home); len(left) != 0 {
		t.Errorf("the refused import left %v", left)
	}
}

// Only POST acts on a run: a GET of an action answers 405; a run or a
// file that is not there answers 404, without touching the disk.
func TestRunsGetNeverActs(t *testing.T) {
	s, home, c := runsTestConsole(t, Options{})
	for _, path := range []string{"/runs/export", "/runs/import", "/runs/report"} {
		if status, _ := runsDo(t, c, "GET", s.BaseURL()+path, "", nil); status != http.StatusNotFound {
			t.Errorf("GET %s: %d", path, status)
		}
	}
	for _, path := range []string{"/runs/0123456789abcdef/stop", "/runs/0123456789abcdef/resume"} {
		if status, _ := runsDo(t, c, "GET", s.BaseURL()+path, "", nil); status != http.StatusMethodNotAllowed {
			t.Errorf("GET %s: %d", path, status)
		}
	}
	for _, path := range []string{"/runs/0123456789abcdef", "/runs/0123456789abcdef/events", "/runs/0123456789abcdef/files/output",
		"/runs/ABC/files/errors", "/runs/..%2F..%2Fetc/files/output"} {
		if status, _ := runsDo(t, c, "GET", s.BaseURL()+path, "", nil); status != http.StatusNotFound {
			t.Errorf("GET %s: %d", path, status)
		}
	}
	for _, path := range []string{"/runs/0123456789abcdef/stop", "/runs/0123456789abcdef/resume"} {
		if status, page := runsDo(t, c, "POST", s.BaseURL()+path, "application/x-www-form-urlencoded", nil); status != http.StatusNotFound ||
			!strings.Contains(page, "There is no run 0123456789abcdef.") {
			t.Errorf("POST %s: %d\n%s", path, status, page)
		}
	}
	if left := runsFolders(home); len(left) != 0 {
		t.Errorf("runs folders: %v", left)
	}
}

// A HEAD of a run's event stream answers at once, as a stream, while
// the run goes on; the run is then stopped from its page.
func TestRunsEventsHeadOfALiveRun(t *testing.T) {
	c := startConsole(t)
	s := startSim(t, "--fault", "slow,delay=60s,path=/campaigns")
	cl := c.signedIn(t)
	if r := cl.post("/connections/new", s.twitterAdsForm("Prod", s["token_secret"], "save")); r.status != http.StatusSeeOther {
		t.Fatalf("saving the connection: %d\n%s", r.status, r.body)
	}
	r := cl.post("/runs/export", url.Values{"connection": {"Prod"}, "path": {"accounts/" + s["account_id"] + "/campaigns"}})
	loc := r.header.Get("Location")
	if r.status != http.StatusSeeOther || !strings.HasPrefix(loc, "/runs/") {
		t.Fatalf("starting an export: %d\n%s", r.status, r.body)
	}
	req, _ := http.NewRequest(http.MethodHead, cl.url(loc+"/events"), nil)
	if h := cl.do(req); h.status != http.StatusOK || h.header.Get("Content-Type") != "text/event-stream" || h.body != "" {
		t.Errorf("HEAD of the live run's events: %d %v %q", h.status, h.header, h.body)
	}
	if r := cl.get(loc); !strings.Contains(r.body, `<span class="outcome running">running</span>`) {
		t.Errorf("the run after the HEAD:\n%s", r.body)
	}
	if r := cl.post(loc+"/stop", nil); r.status != http.StatusSeeOther {
		t.Errorf("stop: %d\n%s", r.status, r.body)
	}
}

// A start form is refused with every problem the console and the core
// find, what was typed kept, and nothing recorded.
func TestRunsStartFormRefusals(t *testing.T) {
	s, home, c := runsTestConsole(t, Options{})
	status, page := runsDo(t, c, "POST", s.BaseURL()+"/runs/export", "application/x-www-form-urlencoded",
		strings.NewReader("path=&params=count%3D10%0Anot+a+pair&max_records=many"))
	if status != http.StatusBadRequest || !strings.Contains(page, `Parameters: &#34;not a pair&#34;: write it as KEY=VALUE`) ||
		!strings.Contains(page, `Max records: &#34;many&#34; is not a whole number`) || !strings.Contains(page, "count=10\nnot a pair</textarea>") {
		t.Errorf("an export form with bad parameters: %d\n%s", status, page)
	}
	status, page = runsDo(t, c, "POST", s.BaseURL()+"/runs/export", "application/x-www-form-urlencoded", strings.NewReader("params=count%3D10"))
	if status != http.StatusBadRequest || !strings.Contains(page, "<li>Connection is required: choose the connection to run through</li>") ||
		!strings.Contains(page, "<li>Path is required: the API path of a list") {
		t.Errorf("an export form without connection and path: %d\n%s", status, page)
	}
	status, page = runsDo(t, c, "POST", s.BaseURL()+"/runs/report", "application/x-www-form-urlencoded", strings.NewReader("connection=Prod&end=2026-01-01T08:30:00Z"))
	if status != http.StatusBadRequest || !strings.Contains(page, "Account is required") || !strings.Contains(page, "IDs needs at least one id") ||
		!strings.Contains(page, "Metrics needs at least one metric group") {
		t.Errorf("a report form without its parameters: %d\n%s", status, page)
	}
	big := strings.NewReader("path=" + strings.Repeat("x", DefaultMaxFormBytes))
	if status, _ = runsDo(t, c, "POST", s.BaseURL()+"/runs/export", "application/x-www-form-urlencoded", big); status != http.StatusRequestEntityTooLarge {
		t.Errorf("an export form over the form limit: %d", status)
	}
	if status, page = runsDo(t, c, "GET", s.BaseURL()+"/runs", "", nil); status != http.StatusOK || !strings.Contains(page, "No runs yet.") ||
		!strings.Contains(page, `<a href="/connections">Create a connection</a> first`) {
		t.Errorf("/runs: %d\n%s", status, page)
	}
	if left := runsFolders(home); len(left) != 0 {
		t.Errorf("runs folders: %v", left)
	}
}
