package httpconn

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// The engine's tests run against a made-up API, not any real one: it
// signs with HMAC-SHA256 over the method, the request URI and a nonce (in
// the Authorization header), reports two budgets in X-App-RateLimit-* and
// X-RateLimit-* headers (the second with resets in seconds from now),
// answers 420 when a budget is spent, puts one error at $.error (type,
// message, field), and serves files from a host of its own.

const testKey = "made-up-signing-key-0123456789"

// hmacSigner signs with HMAC-SHA256 and a fresh random nonce per attempt.
type hmacSigner struct{ key string }

func (s hmacSigner) Sign(r *http.Request) error {
	var b [12]byte
	rand.Read(b[:])
	nonce := hex.EncodeToString(b[:])
	r.Header.Set("Authorization", "HMAC nonce="+nonce+", sig="+macOf(s.key, r.Method, r.URL.RequestURI(), nonce))
	return nil
}

func macOf(key, method, uri, nonce string) string {
	m := hmac.New(sha256.New, []byte(key))
	fmt.Fprintf(m, "%s\n%s\n%s", method, uri, nonce)
	return hex.EncodeToString(m.Sum(nil))
}

// verify checks a request signed by hmacSigner and returns its nonce.
func verify(r *http.Request) (nonce string, ok bool) {
	auth, found := strings.CutPrefix(r.Header.Get("Authorization"), "HMAC ")
	if !found {
		return "", false
	}
	var sig string
	for _, kv := range strings.Split(auth, ", ") {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "nonce":
			nonce = v
		case "sig":
			sig = v
		}
	}
	return nonce, hmac.Equal([]byte(sig), []byte(macOf(testKey, r.Method, r.URL.RequestURI(), nonce)))
}

// fileHost is the made-up API's file host; a loopback file server stands
// in for it when the base URI is loopback too.
const fileHost = "files.example"

func testProfile() *Profile {
	return &Profile{
		UserAgent:   "engine-test/1",
		ExamplePath: "/v2/items",
		Hosts: []Host{{Name: "file host", Shown: fileHost, Allows: func(u, base *url.URL) bool {
			return u.Scheme == "https" && u.Hostname() == fileHost ||
				IsLoopback(u.Hostname()) && IsLoopback(base.Hostname())
		}}},
		RateLimits: RateLimits{
			Statuses: []int{420, http.StatusTooManyRequests},
			Budgets: []Budget{
				Prefixed("app", "X-App-RateLimit-"),
				{Scope: "client", Limit: "X-RateLimit-Limit", Remaining: "X-RateLimit-Remaining", Reset: "X-RateLimit-Reset", ResetIn: true},
			},
		},
		Errors: APIErrors{List: "$.error", Code: "type", Message: "message", Parameter: "field",
			Hints: map[string]Hint{"bad_key": {Summary: "the key was refused", Detail: "check the signing key"}}},
	}
}

// versioned puts "v2/" in front of a path that starts with no "v<digits>".
func versioned(p string) string {
	first, _, _ := strings.Cut(p, "/")
	if len(first) > 1 && first[0] == 'v' && strings.Trim(first[1:], "0123456789") == "" {
		return p
	}
	return "v2/" + p
}

// testConn is a connection to base with the made-up profile and signer.
func testConn(t testing.TB, base string) Conn {
	t.Helper()
	u, err := ParseBase(base)
	if err != nil {
		t.Fatal(err)
	}
	return Conn{Profile: testProfile(), Base: u, Prefix: versioned, Signer: hmacSigner{testKey}}
}

// newTestEngine returns an engine with short backoffs.
func newTestEngine(o Options) *Engine {
	if o.BackoffBase == 0 {
		o.BackoffBase, o.BackoffMax = 20*time.Millisecond, 200*time.Millisecond
	}
	return New(nil, o)
}

// do sends req and returns the response with its whole body read.
func do(t *testing.T, e *Engine, conn Conn, req shared.Request) (*shared.Response, []byte) {
	t.Helper()
	resp, err := e.Do(context.Background(), conn, req)
	if err != nil {
		t.Fatalf("Do: %v", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading the body: %v", err)
	}
	return resp, b
}

// seen is one request the made-up API received.
type seen struct {
	Method, Path, RawQuery, Authorization, Nonce, UserAgent string
	SigOK                                                   bool
	Body                                                    []byte // the first MiB
	BodyLen                                                 int64
}

// api is the made-up API on loopback: it keeps every request and answers
// with answer (200 {"ok":true} by default), or 401 when a nonce repeats.
type api struct {
	*httptest.Server
	mu     sync.Mutex
	seen   []seen
	nonces map[string]bool
	answer http.HandlerFunc
}

func newAPI(t *testing.T) *api {
	t.Helper()
	a := &api{nonces: map[string]bool{}}
	a.Server = httptest.NewServer(http.HandlerFunc(a.serve))
	t.Cleanup(a.Close)
	return a
}

func (a *api) serve(w http.ResponseWriter, r *http.Request) {
	nonce, ok := verify(r)
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	rest, _ := io.Copy(io.Discard, r.Body)
	a.mu.Lock()
	reused := nonce != "" && a.nonces[nonce]
	a.nonces[nonce] = true
	a.seen = append(a.seen, seen{r.Method, r.URL.EscapedPath(), r.URL.RawQuery, r.Header.Get("Authorization"), nonce,
		r.Header.Get("User-Agent"), ok, body, int64(len(body)) + rest})
	answer := a.answer
	a.mu.Unlock()
	switch {
	case reused:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, `{"error":{"type":"nonce_reused","message":"the nonce was used before"}}`)
	case answer != nil:
		answer(w, r)
	default:
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ok":true}`)
	}
}

func (a *api) requests() []seen {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]seen(nil), a.seen...)
}

func (a *api) setAnswer(h http.HandlerFunc) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.answer = h
}

// script answers the i-th request (from 0) with steps[i], and every later
// one with the last step.
func script(steps ...http.HandlerFunc) http.HandlerFunc {
	var mu sync.Mutex
	n := 0
	return func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		i := min(n, len(steps)-1)
		n++
		mu.Unlock()
		steps[i](w, r)
	}
}

// status answers code with the header pairs kv and a JSON body.
func status(code int, kv ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(kv); i += 2 {
			w.Header().Set(kv[i], kv[i+1])
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		fmt.Fprintf(w, `{"status":%d}`, code)
	}
}

// hangUp closes the connection without an answer, after reading the
// request.
func hangUp(w http.ResponseWriter, r *http.Request) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	conn.Close()
}

// closedPort returns a loopback address on which nothing listens.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func codes(ds schema.Diagnostics) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.Code)
	}
	return out
}

func find(ds schema.Diagnostics, code string) (schema.Diagnostic, bool) {
	for _, d := range ds {
		if d.Code == code {
			return d, true
		}
	}
	return schema.Diagnostic{}, false
}

// params makes query parameters from key, value pairs.
func params(kv ...string) []shared.Param {
	var out []shared.Param
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, shared.Param{Key: kv[i], Value: kv[i+1]})
	}
	return out
}

// headers makes header fields from name, value pairs.
func headers(kv ...string) []shared.Header {
	var out []shared.Header
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, shared.Header{Name: kv[i], Value: kv[i+1]})
	}
	return out
}
