package twitteradssim

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/openintegrator/integrator/plugin/oauth1"
)

func TestSignedRequestSucceeds(t *testing.T) {
	srv, c := startServer(t)
	r := c.get("/12/accounts/" + srv.AccountID)
	wantStatus(t, r, 200, "")
	if got := r.Header.Get("x-current-api-version"); got != "12" {
		t.Errorf("x-current-api-version = %q, want 12", got)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q", ct)
	}
	if id := r.data()["id"]; id != srv.AccountID {
		t.Errorf("data.id = %v, want %s", id, srv.AccountID)
	}
	if !strings.Contains(srv.Credentials.AccessToken, "-") {
		t.Errorf("access token %q is not <digits>-<alnum>", srv.Credentials.AccessToken)
	}
}

func TestAuthFailures(t *testing.T) {
	srv, c := startServer(t)
	good := srv.Credentials
	with := func(f func(*Credentials)) *oauth1.Signer {
		cr := good
		f(&cr)
		return signerFor(cr)
	}
	tests := []struct {
		name   string
		signer *oauth1.Signer
		edit   func(*http.Request)
	}{
		{name: "wrong consumer key", signer: with(func(c *Credentials) { c.ConsumerKey = "nope" })},
		{name: "wrong consumer secret", signer: with(func(c *Credentials) { c.ConsumerSecret += "x" })},
		{name: "wrong token", signer: with(func(c *Credentials) { c.AccessToken = "123-abc" })},
		{name: "wrong token secret", signer: with(func(c *Credentials) { c.TokenSecret += "x" })},
		{name: "bad signature", edit: func(r *http.Request) { r.URL.RawQuery = "count=2" }},
		{name: "unsigned", edit: func(r *http.Request) { r.Header.Del("Authorization") }},
		{name: "stale timestamp", signer: func() *oauth1.Signer {
			s := signerFor(good)
			s.Now = func() time.Time { return time.Now().Add(-6 * time.Minute) }
			return s
		}()},
		{name: "future timestamp", signer: func() *oauth1.Signer {
			s := signerFor(good)
			s.Now = func() time.Time { return time.Now().Add(6 * time.Minute) }
			return s
		}()},
		{name: "HMAC-SHA256", signer: func() *oauth1.Signer {
			s := signerFor(good)
			s.Method = oauth1.HMACSHA256
			return s
		}()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.must(request{path: "/12/accounts/" + srv.AccountID, query: values("count", "1"),
				signer: tt.signer, edit: tt.edit})
			wantStatus(t, r, 401, CodeUnauthorizedAccess)
			if p, ok := r.Body["request"].(map[string]any)["params"].(map[string]any); !ok || len(p) != 0 {
				t.Errorf("request.params = %v, want {}", r.Body["request"])
			}
			if msg := string(r.Raw); strings.Contains(msg, good.ConsumerSecret) || strings.Contains(msg, good.TokenSecret) {
				t.Errorf("answer leaks a secret: %s", msg)
			}
		})
	}
}

func TestReusedNonce(t *testing.T) {
	srv, c := startServer(t)
	s := signerFor(srv.Credentials)
	s.Nonce = func() string { return "always-the-same-nonce" }
	path := "/12/accounts/" + srv.AccountID
	wantStatus(t, c.must(request{path: path, signer: s}), 200, "")
	r := c.must(request{path: path, signer: s})
	wantStatus(t, r, 401, CodeUnauthorizedAccess)
	if !strings.Contains(string(r.Raw), "nonce") {
		t.Errorf("message does not say why: %s", r.Raw)
	}
	// The same nonce from another token is a different nonce.
	other := Credentials{ConsumerKey: "k2", ConsumerSecret: "s2", AccessToken: "42-t2", TokenSecret: "ts2"}
	srv2, c2 := startServer(t, WithExtraCredentials(other))
	s2 := signerFor(other)
	s2.Nonce = s.Nonce
	wantStatus(t, c2.must(request{path: "/12/accounts/" + srv2.AccountID, signer: s2}), 200, "")
	s3 := signerFor(srv2.Credentials)
	s3.Nonce = s.Nonce
	wantStatus(t, c2.must(request{path: "/12/accounts/" + srv2.AccountID, signer: s3}), 200, "")
}

func TestNoAccessAndReadOnlyApps(t *testing.T) {
	ro := Credentials{ConsumerKey: "rokey", ConsumerSecret: "rosecret", AccessToken: "7-ro", TokenSecret: "rots"}
	srv, c := startServer(t, WithReadOnlyCredentials(ro))
	r := c.must(request{path: "/12/accounts/" + srv.AccountID, signer: signerFor(srv.NoAccessCredentials)})
	wantStatus(t, r, 403, CodeUnauthorizedClientApp)

	wantStatus(t, c.must(request{path: campaignsPath(srv), signer: signerFor(ro)}), 200, "")
	r = c.must(request{method: "POST", path: campaignsPath(srv), signer: signerFor(ro), query: values("name", "x")})
	wantStatus(t, r, 403, CodeReadonlyClientApp)
}

func TestVersionsAndRoutes(t *testing.T) {
	srv, c := startServer(t)
	wantStatus(t, c.get("/11/accounts/"+srv.AccountID), 200, "")
	r := c.get("/10/accounts/" + srv.AccountID)
	wantStatus(t, r, 400, CodeInvalid)
	if !strings.Contains(string(r.Raw), "Version 10 is not available.") {
		t.Errorf("body %s", r.Raw)
	}
	wantStatus(t, c.get("/12/nothing/here"), 404, CodeRouteNotFound)
	wantStatus(t, c.must(request{method: "PATCH", path: campaignsPath(srv)}), 404, CodeRouteNotFound)
	for _, p := range []string{"/12/accounts/zzzzzz", "/12/accounts/" + srv.store.id(kindCampaign, 0, 1)} {
		wantStatus(t, c.get(p), 403, CodeAccountNotFound)
	}
	if got := r.Header.Get("x-current-api-version"); got != "12" {
		t.Errorf("x-current-api-version on an error = %q", got)
	}
}

func TestNonceCacheIsBounded(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	n := newNonceCache(100, 5*time.Minute)
	for i := 0; i < 1000; i++ {
		ts := now.Add(time.Duration(i) * time.Second / 10)
		if !n.add(string(rune('a'+i%26))+time.Duration(i).String(), ts, ts) {
			t.Fatalf("fresh nonce %d refused", i)
		}
	}
	if len(n.seen) > 110 {
		t.Errorf("cache holds %d nonces, bound is 100", len(n.seen))
	}
	// Old timestamps are forgotten once they leave the window.
	later := now.Add(time.Hour)
	n.add("x", later, later)
	if len(n.seen) != 1 {
		t.Errorf("after the window passed the cache holds %d nonces, want 1", len(n.seen))
	}
	if n.add("x", later, later) {
		t.Error("reused nonce accepted")
	}
}
