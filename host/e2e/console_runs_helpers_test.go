package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// crConsole is an `integrator console` process serving a home, and a
// client signed in to it (through its one-time link) that records every
// response it gets, headers and bodies, for the canary.
type crConsole struct {
	proc   *background
	base   string
	client *http.Client
	seen   *crSeen
}

// crSeen is what the console answered: every response's status line,
// headers and body, as the client read them.
type crSeen struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *crSeen) add(b []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.buf.Write(b)
}

func (s *crSeen) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// crRecorder is a transport that records each response into seen.
type crRecorder struct{ seen *crSeen }

func (rt crRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	var head bytes.Buffer
	fmt.Fprintf(&head, "%s %s\n", resp.Status, req.URL.Path)
	resp.Header.Write(&head)
	rt.seen.add(head.Bytes())
	resp.Body = crTee{resp.Body, rt.seen}
	return resp, nil
}

type crTee struct {
	io.ReadCloser
	seen *crSeen
}

func (t crTee) Read(p []byte) (int, error) {
	n, err := t.ReadCloser.Read(p)
	t.seen.add(p[:n])
	return n, err
}

// crStart starts the console on home (logging at debug level) and signs
// a client in.
func crStart(t *testing.T, home string) *crConsole {
	t.Helper()
	proc := startIntegrator(t, home, "--log-level", "debug", "console", "--no-browser")
	waitFor(t, 30*time.Second, "the console's link", func() bool { return strings.HasSuffix(proc.stdout.String(), "\n") || proc.exited() })
	link := strings.TrimSpace(proc.stdout.String())
	u, err := url.Parse(link)
	if err != nil || u.Host == "" {
		t.Fatalf("the console's link %q: %v\nstderr:\n%s", link, err, proc.stderr.String())
	}
	jar, _ := cookiejar.New(nil)
	seen := &crSeen{}
	c := &crConsole{proc: proc, base: u.Scheme + "://" + u.Host, seen: seen, client: &http.Client{
		Jar: jar, Transport: crRecorder{seen},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
	if status, _, body := c.do(t, "GET", link, "", nil); status != http.StatusOK {
		t.Fatalf("the console's link: %d\n%s", status, body)
	}
	return c
}

// do sends a request to the console (path, or a whole URL) and returns
// the status, the headers and the body.
func (c *crConsole) do(t *testing.T, method, path, contentType string, body io.Reader) (int, http.Header, string) {
	t.Helper()
	if strings.HasPrefix(path, "/") {
		path = c.base + path
	}
	req, err := http.NewRequest(method, path, body)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := c.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the answer: %v", method, path, err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

func (c *crConsole) get(t *testing.T, path string) (int, string) {
	t.Helper()
	status, _, body := c.do(t, "GET", path, "", nil)
	return status, body
}

// post posts a form; it returns the status, the Location of a redirect
// and the body.
func (c *crConsole) post(t *testing.T, path string, form url.Values) (int, string, string) {
	t.Helper()
	status, h, body := c.do(t, "POST", path, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	return status, h.Get("Location"), body
}

// postImport posts the import form with an input file, as a browser does.
func (c *crConsole) postImport(t *testing.T, form url.Values, fileName, content string) (int, string, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, vs := range form {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	fw, err := mw.CreateFormFile("input", fileName)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(fw, content)
	mw.Close()
	status, h, body := c.do(t, "POST", "/runs/import", mw.FormDataContentType(), &b)
	return status, h.Get("Location"), body
}

// start posts a start form and returns the started run's id.
func (c *crConsole) start(t *testing.T, kind string, form url.Values) string {
	t.Helper()
	status, loc, body := c.post(t, "/runs/"+kind, form)
	return crRunID(t, status, loc, body)
}

func crRunID(t *testing.T, status int, loc, body string) string {
	t.Helper()
	if status != http.StatusSeeOther || !strings.HasPrefix(loc, "/runs/") {
		t.Fatalf("starting a run: %d %q\n%s", status, loc, body)
	}
	return strings.TrimPrefix(loc, "/runs/")
}

// crEvent is an event of a run's event stream.
type crEvent struct {
	Name, ID string
	Data     map[string]any
}

// events reads the run's event stream to its end.
func (c *crConsole) events(t *testing.T, id string) []crEvent {
	t.Helper()
	resp, err := c.client.Get(c.base + "/runs/" + id + "/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("the event stream of %s: %s %s", id, resp.Status, resp.Header.Get("Content-Type"))
	}
	var out []crEvent
	var ev crEvent
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			if ev.Name != "" {
				out = append(out, ev)
			}
			if ev.Name == "end" {
				return out
			}
			ev = crEvent{}
		case strings.HasPrefix(line, "event: "):
			ev.Name = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "id: "):
			ev.ID = strings.TrimPrefix(line, "id: ")
		case strings.HasPrefix(line, "data: "):
			if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &ev.Data); err != nil {
				t.Fatalf("event data %q: %v", line, err)
			}
		}
	}
	t.Fatalf("the event stream of %s ended without an end event: %v (%+v)", id, sc.Err(), out)
	return nil
}

// crEnd returns the outcome an event stream ended with.
func crEnd(events []crEvent) string {
	if len(events) == 0 || events[len(events)-1].Name != "end" {
		return ""
	}
	s, _ := events[len(events)-1].Data["outcome"].(string)
	return s
}

// crNoSecrets fails the test when a secret of the simulator appears in
// anything the console answered or logged.
func (c *crConsole) crNoSecrets(t *testing.T, sim simInfo) {
	t.Helper()
	noSecretsIn(t, "console's answers (pages, event streams, downloads, headers)", c.seen.String(), sim)
	noSecretsIn(t, "console's log", c.proc.stderr.String(), sim)
	if c.seen.String() == "" {
		t.Error("nothing was recorded of the console's answers")
	}
}
