package twitteradssim

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openintegrator/integrator/plugin/oauth1"
)

// client sends signed requests to a test server.
type client struct {
	t      *testing.T
	srv    *Server
	signer *oauth1.Signer
	hc     *http.Client
}

func newClient(t *testing.T, srv *Server) *client {
	t.Helper()
	return &client{t: t, srv: srv, signer: signerFor(srv.Credentials), hc: &http.Client{
		Timeout:   30 * time.Second,
		Transport: &http.Transport{DisableKeepAlives: true},
	}}
}

func signerFor(c Credentials) *oauth1.Signer {
	return &oauth1.Signer{ConsumerKey: c.ConsumerKey, ConsumerSecret: c.ConsumerSecret,
		Token: c.AccessToken, TokenSecret: c.TokenSecret}
}

// result is an answer with its JSON body decoded (when it is JSON).
type result struct {
	Status int
	Header http.Header
	Raw    []byte
	Body   map[string]any
}

// errCode returns the first error's code and parameter.
func (r result) errCode() (code, param string) {
	errs, _ := r.Body["errors"].([]any)
	if len(errs) == 0 {
		return "", ""
	}
	e := errs[0].(map[string]any)
	param, _ = e["parameter"].(string)
	return e["code"].(string), param
}

func (r result) data() map[string]any {
	d, _ := r.Body["data"].(map[string]any)
	return d
}

func (r result) list() []map[string]any {
	var out []map[string]any
	items, _ := r.Body["data"].([]any)
	for _, it := range items {
		out = append(out, it.(map[string]any))
	}
	return out
}

// request describes one call; path starts with the version: "/12/accounts".
type request struct {
	method string
	path   string
	query  url.Values
	form   url.Values // sent as a form body
	json   any        // sent as a JSON body
	signer *oauth1.Signer
	edit   func(*http.Request) // called after signing
}

func (c *client) send(rq request) (result, error) {
	c.t.Helper()
	u := c.srv.URL + rq.path
	if len(rq.query) > 0 {
		u += "?" + rq.query.Encode()
	}
	var body io.Reader
	ct := ""
	switch {
	case rq.form != nil:
		body, ct = strings.NewReader(rq.form.Encode()), "application/x-www-form-urlencoded"
	case rq.json != nil:
		b, err := json.Marshal(rq.json)
		if err != nil {
			c.t.Fatal(err)
		}
		body, ct = bytes.NewReader(b), "application/json"
	}
	method := rq.method
	if method == "" {
		method = http.MethodGet
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	signer := rq.signer
	if signer == nil {
		signer = c.signer
	}
	if signer != nil {
		if err := signer.Sign(req); err != nil {
			c.t.Fatal(err)
		}
	}
	if rq.edit != nil {
		rq.edit(req)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return result{}, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return result{}, err
	}
	r := result{Status: resp.StatusCode, Header: resp.Header, Raw: raw}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(raw, &r.Body); err != nil {
			c.t.Fatalf("%s %s: bad JSON %q: %v", method, rq.path, raw, err)
		}
	}
	return r, nil
}

// must sends and fails the test on transport errors.
func (c *client) must(rq request) result {
	c.t.Helper()
	r, err := c.send(rq)
	if err != nil {
		c.t.Fatalf("%s %s: %v", rq.method, rq.path, err)
	}
	return r
}

func (c *client) get(path string, kv ...string) result {
	c.t.Helper()
	return c.must(request{path: path, query: values(kv...)})
}

// values builds url.Values from key, value pairs.
func values(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v
}

// wantStatus fails unless r has the status (and, if code != "", the code).
func wantStatus(t *testing.T, r result, status int, code string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d; body %s", r.Status, status, r.Raw)
	}
	if code != "" {
		if got, _ := r.errCode(); got != code {
			t.Fatalf("error code %q, want %q; body %s", got, code, r.Raw)
		}
	}
}

// fakeClock is a settable clock shared by server and signer.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)}
}

func (f *fakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.t
}

func (f *fakeClock) Advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.t = f.t.Add(d)
}

// clockServer starts a server and a client on a fake clock.
func clockServer(t *testing.T, opts ...Option) (*Server, *client, *fakeClock) {
	t.Helper()
	clk := newFakeClock()
	srv := NewServer(append([]Option{WithClock(clk.Now)}, opts...)...)
	t.Cleanup(srv.Close)
	c := newClient(t, srv)
	c.signer.Now = clk.Now
	return srv, c, clk
}

func startServer(t *testing.T, opts ...Option) (*Server, *client) {
	t.Helper()
	srv := NewServer(opts...)
	t.Cleanup(srv.Close)
	return srv, newClient(t, srv)
}

func campaignsPath(srv *Server) string { return "/12/accounts/" + srv.AccountID + "/campaigns" }

func firstFundingInstrument(t *testing.T, c *client) string {
	t.Helper()
	r := c.get("/12/accounts/" + c.srv.AccountID + "/funding_instruments")
	wantStatus(t, r, 200, "")
	return r.list()[0]["id"].(string)
}
