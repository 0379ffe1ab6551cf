package web

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Every page, asset and action of the console, as a request.
var (
	everyGet = []string{
		"/", "/connections", "/connections/new", "/connections/new?type=formtest", "/connections/keep/edit",
		"/connections/keep/delete", "/connectors", "/connectors/formtest", "/plugins", "/runs", "/runs/1",
		"/static/console.css", "/static/form.js",
	}
	everyPost = []string{
		"/connections/new", "/connections/keep/edit", "/connections/keep/test", "/connections/keep/delete", "/plugins/formtest/trust",
	}
)

// formtestForm is a formtest connection's form that passes its checks.
func formtestForm(name, action string) url.Values {
	return url.Values{"type": {"formtest"}, "name": {name}, "action": {action},
		"f.method": {"HMAC"}, "f.api_key": {"right-key"}, "f.hmac_secret": {"hmac-secret"}}
}

// saveFormtest saves a formtest connection through the console.
func saveFormtest(t *testing.T, cl *client, name string) {
	t.Helper()
	if r := cl.post("/connections/new", formtestForm(name, "save")); r.status != http.StatusSeeOther {
		t.Fatalf("saving %s: %d %s", name, r.status, r.body)
	}
}

// Without the session cookie every page, asset and action answers 401
// with a short explanation, and does nothing.
func TestEveryRequestWithoutSessionIs401(t *testing.T) {
	c := startConsole(t)
	saveFormtest(t, c.signedIn(t), "keep")
	anon := c.client(t)
	for _, path := range everyGet {
		r := anon.get(path)
		if r.status != http.StatusUnauthorized || !strings.Contains(r.body, "run 'integrator console' again for a new link") {
			t.Errorf("GET %s without a session: %d %q", path, r.status, r.body)
		}
	}
	for _, path := range everyPost {
		r := anon.post(path, formtestForm("new", "save"))
		if r.status != http.StatusUnauthorized {
			t.Errorf("POST %s without a session: %d %q", path, r.status, r.body)
		}
	}
	if _, ok := c.connection(t, "keep"); !ok {
		t.Error("a POST without a session deleted the connection")
	}
	if _, ok := c.connection(t, "new"); ok {
		t.Error("a POST without a session created a connection")
	}
}

// The link's token is exchanged once for a session cookie (HttpOnly,
// SameSite=Strict, not Secure over plain http); the same link, or a
// wrong token, answers 401 after that and sets no cookie.
func TestTokenIsExchangedOnceForASessionCookie(t *testing.T) {
	c := startConsole(t)
	first := c.client(t)
	r := first.get(c.URL())
	if r.status != http.StatusOK {
		t.Fatalf("opening the link: %d %s", r.status, r.body)
	}
	cookie := r.header.Get("Set-Cookie")
	for _, want := range []string{"integrator_session=", "HttpOnly", "SameSite=Strict", "Path=/"} {
		if !strings.Contains(cookie, want) {
			t.Errorf("the session cookie %q lacks %s", cookie, want)
		}
	}
	if strings.Contains(cookie, "Secure") {
		t.Errorf("a cookie over plain http is marked Secure: %q", cookie)
	}
	if r := first.get("/connections"); r.status != http.StatusOK {
		t.Errorf("with the cookie: %d", r.status)
	}

	second := c.client(t)
	for _, link := range []string{c.URL(), c.BaseURL() + "/?token=not-the-token", c.BaseURL() + "/?token="} {
		r := second.get(link)
		if r.status != http.StatusUnauthorized || r.header.Get("Set-Cookie") != "" || !strings.Contains(r.body, "works once") {
			t.Errorf("%s after the exchange: %d, cookie %q, %q", link, r.status, r.header.Get("Set-Cookie"), r.body)
		}
	}
	if r := second.get("/connections"); r.status != http.StatusUnauthorized {
		t.Errorf("a second browser with the spent link got %d", r.status)
	}
}

// A wrong token first does not spend the link.
func TestWrongTokenDoesNotSpendTheLink(t *testing.T) {
	c := startConsole(t)
	cl := c.client(t)
	if r := cl.get(c.BaseURL() + "/?token=guess"); r.status != http.StatusUnauthorized {
		t.Fatalf("a guessed token: %d", r.status)
	}
	if r := cl.get(c.URL()); r.status != http.StatusOK {
		t.Errorf("the real link after a guess: %d %s", r.status, r.body)
	}
}

// Requests whose Host header names another host (a page of another site
// whose name resolves to 127.0.0.1: DNS rebinding) or another port are
// refused, with the session cookie; the loopback names are answered.
func TestHostHeaderMustNameTheConsole(t *testing.T) {
	c := startConsole(t)
	cl := c.signedIn(t)
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(c.BaseURL(), "http://"))
	for host, want := range map[string]int{
		"evil.example:" + port:           http.StatusForbidden,
		"evil.example":                   http.StatusForbidden,
		"127.0.0.1:1":                    http.StatusForbidden,
		"localhost.evil.example:" + port: http.StatusForbidden,
		"127.0.0.1:" + port:              http.StatusOK,
		"localhost:" + port:              http.StatusOK,
		"LOCALHOST:" + port:              http.StatusOK,
		"[::1]:" + port:                  http.StatusOK,
	} {
		req, _ := http.NewRequest(http.MethodGet, c.BaseURL()+"/connections", nil)
		req.Host = host
		req.AddCookie(cl.session()) // a cookie jar keys cookies by the Host
		if r := cl.do(req); r.status != want {
			t.Errorf("Host %s: %d, want %d (%s)", host, r.status, want, r.body)
		}
	}
	// A POST under another name changes nothing.
	saveFormtest(t, cl, "keep")
	req := cl.postRequest("/connections/keep/delete", url.Values{})
	req.Host = "evil.example:" + port
	req.Header.Set("Origin", "http://evil.example:"+port)
	req.AddCookie(cl.session())
	if r := cl.do(req); r.status != http.StatusForbidden {
		t.Errorf("a POST under another host name: %d", r.status)
	}
	if _, ok := c.connection(t, "keep"); !ok {
		t.Error("a request under another host name deleted the connection")
	}
}

// A cross-origin POST (another site's form, with the user's cookie) is
// refused and changes nothing; the same POST from the console's own page
// works.
func TestCrossOriginPostIsRefused(t *testing.T) {
	c := startConsole(t)
	cl := c.signedIn(t)
	saveFormtest(t, cl, "keep")
	for name, set := range map[string]func(*http.Request){
		"Sec-Fetch-Site cross-site": func(r *http.Request) {
			r.Header.Set("Sec-Fetch-Site", "cross-site")
			r.Header.Set("Origin", "https://evil.example")
		},
		"Sec-Fetch-Site same-site": func(r *http.Request) {
			r.Header.Set("Sec-Fetch-Site", "same-site")
			r.Header.Set("Origin", "http://other.localhost")
		},
		"Origin of another site, no Sec-Fetch-Site": func(r *http.Request) {
			r.Header.Del("Sec-Fetch-Site")
			r.Header.Set("Origin", "https://evil.example")
		},
	} {
		for _, path := range []string{"/connections/keep/delete", "/connections/keep/test"} {
			req := cl.postRequest(path, url.Values{"forget": {"1"}})
			set(req)
			r := cl.do(req)
			if r.status != http.StatusForbidden || !strings.Contains(r.body, "another site") {
				t.Errorf("%s, POST %s: %d %q", name, path, r.status, r.body)
			}
		}
		req := cl.postRequest("/connections/new", formtestForm("evil", "save"))
		set(req)
		if r := cl.do(req); r.status != http.StatusForbidden {
			t.Errorf("%s, POST /connections/new: %d", name, r.status)
		}
	}
	conn, ok := c.connection(t, "keep")
	if !ok {
		t.Fatal("a cross-origin POST deleted the connection")
	}
	if _, ok := c.connection(t, "evil"); ok {
		t.Error("a cross-origin POST created a connection")
	}
	if conn.LastTest == nil || !conn.LastTest.OK {
		t.Errorf("last test %+v", conn.LastTest)
	}
	// The console's own form post works.
	if r := cl.post("/connections/keep/delete", url.Values{}); r.status != http.StatusSeeOther {
		t.Errorf("a same-origin delete: %d %s", r.status, r.body)
	}
	if _, ok := c.connection(t, "keep"); ok {
		t.Error("the same-origin delete did not delete")
	}
}

// No GET or HEAD changes anything: the paths that act take POST only
// (405 otherwise), and neither a connection nor its last test changes,
// whatever the query says.
func TestGetNeverChangesState(t *testing.T) {
	c := startConsole(t)
	cl := c.signedIn(t)
	saveFormtest(t, cl, "keep")
	before, _ := c.connection(t, "keep")
	q := "?action=save&forget=1&sha256=x&type=formtest&name=new&f.method=HMAC&f.api_key=right-key&f.hmac_secret=s"
	for _, method := range []string{http.MethodGet, http.MethodHead} {
		for _, path := range append(append([]string{}, everyPost...), everyGet...) {
			req, _ := http.NewRequest(method, c.BaseURL()+path+q, nil)
			r := cl.do(req)
			home := path == "/" && r.status == http.StatusSeeOther && r.header.Get("Location") == "/connections"
			if r.status >= 300 && r.status != http.StatusMethodNotAllowed && r.status != http.StatusNotFound && !home {
				t.Errorf("%s %s: %d", method, path, r.status)
			}
		}
		for _, path := range []string{"/connections/keep/test", "/plugins/formtest/trust"} {
			req, _ := http.NewRequest(method, c.BaseURL()+path, nil)
			if r := cl.do(req); r.status != http.StatusMethodNotAllowed {
				t.Errorf("%s %s: %d, want 405", method, path, r.status)
			}
		}
	}
	after, ok := c.connection(t, "keep")
	switch {
	case !ok:
		t.Fatal("a GET deleted the connection")
	case !after.LastTest.At.Equal(before.LastTest.At) || !after.UpdatedAt.Equal(before.UpdatedAt):
		t.Errorf("a GET changed the connection: tested %v, then %v; updated %v, then %v", before.LastTest.At, after.LastTest.At, before.UpdatedAt, after.UpdatedAt)
	}
	if _, ok := c.connection(t, "new"); ok {
		t.Error("a GET created a connection")
	}
}

// Every response, refusals included, carries the strict headers, and no
// page holds inline script or style (the policy would block them).
func TestEveryResponseHasTheSecurityHeaders(t *testing.T) {
	c := startConsole(t)
	cl := c.signedIn(t)
	saveFormtest(t, cl, "keep")
	anon := c.client(t)
	var got []response
	for _, path := range everyGet {
		got = append(got, cl.get(path), anon.get(path))
	}
	for _, path := range everyPost {
		got = append(got, cl.post(path, formtestForm("keep", "test")))
	}
	bad := cl.postRequest("/connections/keep/delete", nil)
	bad.Header.Set("Sec-Fetch-Site", "cross-site")
	wrongHost, _ := http.NewRequest(http.MethodGet, c.BaseURL()+"/connections", nil)
	wrongHost.Host = "evil.example"
	got = append(got, cl.do(bad), cl.do(wrongHost), cl.get("/nowhere"), cl.get(c.URL()))
	// A script element without src, or with content; an event handler or
	// style attribute; a style element.
	inline := regexp.MustCompile(`(?i)<script>|<script\s[^>]*>[^<]|<[a-z][^>]*\s(?:on[a-z]+|style)\s*=|<style`)
	scriptTag := regexp.MustCompile(`(?i)<script[^>]*>`)
	for i, r := range got {
		h := r.header
		csp := h.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "form-action 'self'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("response %d (%d): CSP %q lacks %s", i, r.status, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe") {
			t.Errorf("response %d: CSP %q allows unsafe sources", i, csp)
		}
		for name, want := range map[string]string{"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY"} {
			if h.Get(name) != want {
				t.Errorf("response %d (%d): %s is %q, want %q", i, r.status, name, h.Get(name), want)
			}
		}
		if strings.HasPrefix(h.Get("Content-Type"), "text/html") {
			if m := inline.FindString(r.body); m != "" {
				t.Errorf("response %d (%d) holds inline script or style: %q", i, r.status, m)
			}
			for _, tag := range scriptTag.FindAllString(r.body, -1) {
				if !strings.Contains(tag, ` src="/static/`) {
					t.Errorf("response %d (%d): a script not from /static/: %q", i, r.status, tag)
				}
			}
		}
	}
}

// A form post over the limit is refused with 413 and saves nothing.
func TestFormPostOverTheLimitIsRefused(t *testing.T) {
	c := startConsole(t)
	cl := c.signedIn(t)
	form := formtestForm("big", "save")
	form.Set("f.note", strings.Repeat("x", DefaultMaxFormBytes+1))
	r := cl.post("/connections/new", form)
	if r.status != http.StatusRequestEntityTooLarge || !strings.Contains(r.body, "Nothing was changed") {
		t.Errorf("a form over the limit: %d %q", r.status, r.body)
	}
	if _, ok := c.connection(t, "big"); ok {
		t.Error("a form over the limit was saved")
	}
	form.Set("f.note", strings.Repeat("x", 1000))
	if r := cl.post("/connections/new", form); r.status != http.StatusSeeOther {
		t.Errorf("the same form within the limit: %d", r.status)
	}
}

// An address that is not a loopback one is refused without TLS, saying
// so; with TLS it serves, and the session cookie is Secure and __Host-.
func TestNonLoopbackListenNeedsTLS(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "[::]:0", "192.0.2.1:0", "example.com:0"} {
		_, err := New(nil, Options{Listen: addr})
		var nl *NotLoopbackError
		if !errors.As(err, &nl) || !strings.Contains(err.Error(), "needs TLS") {
			t.Errorf("listen %s without TLS: %v", addr, err)
		}
	}
	for _, addr := range []string{"127.0.0.1:0", "localhost:0", "127.0.0.2:0"} {
		s, err := New(nil, Options{Listen: addr})
		if err != nil {
			t.Errorf("listen %s: %v", addr, err)
			continue
		}
		s.ln.Close()
	}
	if _, err := New(nil, Options{TLSCert: "cert.pem"}); err == nil || !strings.Contains(err.Error(), "both") {
		t.Errorf("a certificate without its key: %v", err)
	}

	certFile, keyFile, roots := testCert(t)
	c := startConsoleWith(t, consoleConfig{roots: roots, opts: func(o *Options) {
		o.Listen, o.TLSCert, o.TLSKey = "0.0.0.0:0", certFile, keyFile
	}})
	if !strings.HasPrefix(c.URL(), "https://") {
		t.Fatalf("the link %s is not https", c.URL())
	}
	// The link names the certificate's host; reach it on loopback.
	link := strings.Replace(c.URL(), "https://localhost:", "https://127.0.0.1:", 1)
	cl := c.client(t)
	r := cl.get(link)
	cookie := r.header.Get("Set-Cookie")
	if r.status != http.StatusOK || !strings.HasPrefix(cookie, "__Host-integrator_session=") || !strings.Contains(cookie, "Secure") || !strings.Contains(cookie, "SameSite=Strict") {
		t.Errorf("over TLS: %d, cookie %q", r.status, cookie)
	}
	if r := cl.get(strings.Replace(c.BaseURL(), "localhost", "127.0.0.1", 1) + "/connections"); r.status != http.StatusOK {
		t.Errorf("with the Secure cookie: %d", r.status)
	}
}

// testCert writes a self-signed certificate for localhost and 127.0.0.1
// and its key, and returns the files and a pool that trusts it.
func testCert(t *testing.T) (string, string, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	roots := x509.NewCertPool()
	roots.AddCert(cert)
	return certFile, keyFile, roots
}
