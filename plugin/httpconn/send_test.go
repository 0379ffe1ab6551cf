package httpconn

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/openintegrator/integrator/shared"
)

func TestRefusedRequestsSendNothing(t *testing.T) {
	a := newAPI(t)
	other := newAPI(t)
	e := newTestEngine(Options{})
	tests := []struct {
		name string
		base string
		req  shared.Request
		code string
	}{
		{"foreign host", a.URL, shared.Request{URL: "https://evil.example/v2/items"}, CodeHostNotAllowed},
		{"look-alike profile host", a.URL, shared.Request{URL: "https://files.example.evil.example/x"}, CodeHostNotAllowed},
		{"loopback host, remote base", "https://api.example.com", shared.Request{URL: other.URL + "/v2/items"}, CodeHostNotAllowed},
		{"scheme", a.URL, shared.Request{URL: "gopher://127.0.0.1/x"}, CodeSchemeNotAllowed},
		{"plain http to a remote host", a.URL, shared.Request{URL: "http://api.example.com/v2/items"}, CodeInsecureURL},
		{"CR LF in the path", a.URL, shared.Request{URL: "items\r\nX: y"}, CodeControlCharacter},
		{"LF in a header", a.URL, shared.Request{URL: "items", Header: headers("X-A", "1\nX-B: 2")}, CodeControlCharacter},
		{"dot dot", a.URL, shared.Request{URL: "items/../../x"}, CodeDotSegment},
		{"Authorization header", a.URL, shared.Request{URL: "items", Header: headers("Authorization", "Bearer x")}, CodeHeaderNotAllowed},
		{"POST to the file host", a.URL, shared.Request{Method: "POST", URL: other.URL + "/x"}, CodeMethodNotAllowed},
		{"body over 32 MiB", a.URL, shared.Request{Method: "POST", URL: "items", Body: make([]byte, shared.MaxRequestBody+1)},
			shared.CodeBodyTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, b := do(t, e, testConn(t, tt.base), tt.req)
			if resp.Status != 0 || resp.Attempts != 0 || len(b) != 0 {
				t.Errorf("status %d, attempts %d, body %q", resp.Status, resp.Attempts, b)
			}
			if len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Code != tt.code {
				t.Errorf("diagnostics %v, want %s", codes(resp.Diagnostics), tt.code)
			}
		})
	}
	if n, m := len(a.requests()), len(other.requests()); n+m != 0 {
		t.Errorf("the servers saw %d and %d requests", n, m)
	}
}

func TestQueryKeepsRepeatedKeysInOrder(t *testing.T) {
	a := newAPI(t)
	q := params("id", "b", "group", "ENGAGEMENT", "id", "a", "id", "b", "x", "sp ace+!*", "empty", "")
	resp, _ := do(t, newTestEngine(Options{}), testConn(t, a.URL), shared.Request{URL: "items?first=1", Query: q})
	if resp.Status != 200 {
		t.Fatalf("%d %v", resp.Status, resp.Diagnostics)
	}
	got := a.requests()[0]
	want := "first=1&id=b&group=ENGAGEMENT&id=a&id=b&x=sp+ace%2B%21%2A&empty="
	if got.RawQuery != want || got.Path != "/v2/items" {
		t.Errorf("got %s?%s, want /v2/items?%s", got.Path, got.RawQuery, want)
	}
	if !got.SigOK || got.UserAgent != "engine-test/1" {
		t.Errorf("signature ok %v, user agent %q", got.SigOK, got.UserAgent)
	}
}

func TestBodyOfExactlyTheLimitIsSent(t *testing.T) {
	a := newAPI(t)
	body := bytes.Repeat([]byte("x"), shared.MaxRequestBody)
	resp, _ := do(t, newTestEngine(Options{}), testConn(t, a.URL), shared.Request{Method: "PUT", URL: "x", Body: body,
		Header: headers("Content-Type", "application/octet-stream")})
	if resp.Status != 200 || len(a.requests()) != 1 || a.requests()[0].BodyLen != shared.MaxRequestBody {
		t.Errorf("status %d, %d requests", resp.Status, len(a.requests()))
	}
}

func TestRedirectsAreNotFollowed(t *testing.T) {
	elsewhere := newAPI(t)
	a := newAPI(t)
	a.setAnswer(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, elsewhere.URL+"/v2/items", http.StatusFound)
	})
	// A client given in the options is made not to follow redirects too.
	for _, e := range []*Engine{newTestEngine(Options{}), newTestEngine(Options{Client: &http.Client{}})} {
		resp, _ := do(t, e, testConn(t, a.URL), shared.Request{URL: "items"})
		if resp.Status != 302 || resp.HeaderValue("Location") == "" {
			t.Errorf("status %d", resp.Status)
		}
		if _, ok := find(resp.Diagnostics, CodeRedirect); !ok {
			t.Errorf("diagnostics %v", resp.Diagnostics)
		}
	}
	if n := len(elsewhere.requests()); n != 0 {
		t.Errorf("the redirect was followed (%d requests)", n)
	}
}

// TestProfileHostGetsNoCredentials: an absolute URL to a host the profile
// allows unsigned is sent without the Authorization header.
func TestProfileHostGetsNoCredentials(t *testing.T) {
	a := newAPI(t)
	files := newAPI(t)
	resp, _ := do(t, newTestEngine(Options{}), testConn(t, a.URL), shared.Request{URL: files.URL + "/r/1.gz", Query: params("a", "1")})
	if resp.Status != 200 {
		t.Fatalf("%d %v", resp.Status, resp.Diagnostics)
	}
	got := files.requests()[0]
	if got.Authorization != "" || got.Path != "/r/1.gz" || got.RawQuery != "a=1" {
		t.Errorf("file request %+v", got)
	}
}

// TestEachAttemptIsSignedAnew: a retried request carries a new nonce and
// a valid signature each time; the API, which refuses a nonce it saw,
// accepts every attempt.
func TestEachAttemptIsSignedAnew(t *testing.T) {
	a := newAPI(t)
	a.setAnswer(script(status(503, "Retry-After", "0"), status(500), status(200)))
	resp, _ := do(t, newTestEngine(Options{}), testConn(t, a.URL), shared.Request{Method: "PUT", URL: "items/1"})
	if resp.Status != 200 || resp.Attempts != 3 {
		t.Fatalf("status %d after %d attempts: %v", resp.Status, resp.Attempts, resp.Diagnostics)
	}
	nonces := map[string]bool{}
	for i, r := range a.requests() {
		if !r.SigOK || r.Nonce == "" || nonces[r.Nonce] {
			t.Errorf("attempt %d: signature ok %v, nonce %q (seen before: %v)", i+1, r.SigOK, r.Nonce, nonces[r.Nonce])
		}
		nonces[r.Nonce] = true
	}
}

// TestSigningFailureSendsNothing: a signer's error is a signing_failed
// diagnostic, and nothing is sent.
func TestSigningFailureSendsNothing(t *testing.T) {
	a := newAPI(t)
	c := testConn(t, a.URL)
	c.Signer = SignerFunc(func(*http.Request) error { return errors.New("the key is not valid UTF-8") })
	resp, _ := do(t, newTestEngine(Options{}), c, shared.Request{URL: "items"})
	if d, ok := find(resp.Diagnostics, CodeSigningFailed); resp.Status != 0 || !ok || !strings.Contains(d.Summary, "not valid UTF-8") {
		t.Errorf("%d %v", resp.Status, resp.Diagnostics)
	}
	if n := len(a.requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

func TestCancelledContextIsAnError(t *testing.T) {
	a := newAPI(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := newTestEngine(Options{}).Do(ctx, testConn(t, a.URL), shared.Request{URL: "items"}); err == nil {
		t.Error("no error")
	}
}
