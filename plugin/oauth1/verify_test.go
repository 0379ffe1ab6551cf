package oauth1

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

const (
	vConsumerSecret = "consumer-secret-Xy1"
	vTokenSecret    = "token-secret-Zq2"
)

// testLookup knows consumer key "ck" with token "tok", or without a token.
func testLookup() SecretLookup {
	return func(consumerKey, token string) (string, string, error) {
		switch {
		case consumerKey != "ck":
			return "", "", errors.New("unknown consumer key")
		case token == "tok":
			return vConsumerSecret, vTokenSecret, nil
		case token == "":
			return vConsumerSecret, "", nil
		}
		return "", "", errors.New("unknown token")
	}
}

// TestVerifyOverHTTP signs requests on the client and verifies them in a
// server handler, over plain HTTP and TLS test servers (which listen on a
// non-default port).
func TestVerifyOverHTTP(t *testing.T) {
	type result struct {
		v    Verified
		err  error
		body string
	}
	results := make(chan result, 1)
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, err := Verify(r, testLookup())
		body, _ := io.ReadAll(r.Body)
		results <- result{v, err, string(body)}
	})
	for _, newServer := range []func(http.Handler) *httptest.Server{httptest.NewServer, httptest.NewTLSServer} {
		srv := newServer(handler)
		for _, c := range []struct {
			name, method, path, contentType, body string
			signer                                func(*Signer)
		}{
			{name: "GET with query", method: "GET", path: "/12/stats/accounts/abc?entity=CAMPAIGN&entity_ids=a,b&x=%2B+y"},
			{name: "escaped path", method: "GET", path: "/a%20b/c%2Fd?q=1"},
			{name: "form POST", method: "POST", path: "/p?a=1", contentType: "application/x-www-form-urlencoded; charset=utf-8", body: "b=2&b=1&c=%E2%98%83"},
			{name: "JSON with body hash", method: "PUT", path: "/p", contentType: "application/json", body: `{"a":[1,2]}`,
				signer: func(s *Signer) { s.BodyHash = true }},
			{name: "no token", method: "DELETE", path: "/p", signer: func(s *Signer) { s.Token, s.TokenSecret = "", "" }},
			{name: "realm, SHA-256", method: "GET", path: "/p", signer: func(s *Signer) { s.Realm = "X Ads"; s.Method = HMACSHA256 }},
			{name: "SHA-512", method: "GET", path: "/p", signer: func(s *Signer) { s.Method = HMACSHA512 }},
			{name: "PLAINTEXT", method: "GET", path: "/p", signer: func(s *Signer) { s.Method = Plaintext }},
		} {
			t.Run(srv.URL[:5]+" "+c.name, func(t *testing.T) {
				r, err := http.NewRequest(c.method, srv.URL+c.path, strings.NewReader(c.body))
				if err != nil {
					t.Fatal(err)
				}
				if c.contentType != "" {
					r.Header.Set("Content-Type", c.contentType)
				}
				s := &Signer{ConsumerKey: "ck", ConsumerSecret: vConsumerSecret, Token: "tok", TokenSecret: vTokenSecret}
				if c.signer != nil {
					c.signer(s)
				}
				if err := s.Sign(r); err != nil {
					t.Fatal(err)
				}
				resp, err := srv.Client().Do(r)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				got := <-results
				if got.err != nil {
					t.Fatalf("Verify: %v", got.err)
				}
				if got.body != c.body {
					t.Errorf("handler read body %q, want %q", got.body, c.body)
				}
				wantMethod := s.Method
				if wantMethod == "" {
					wantMethod = HMACSHA1
				}
				if got.v.ConsumerKey != "ck" || got.v.Token != s.Token || got.v.Method != wantMethod ||
					len(got.v.Nonce) != nonceLen || time.Since(got.v.Timestamp) > time.Minute {
					t.Errorf("Verified = %+v", got.v)
				}
			})
		}
		srv.Close()
	}
}

// serverRequest signs a request and returns it as a server receives it.
func serverRequest(t *testing.T, method, url, contentType, body string, sign func(*Signer)) *http.Request {
	t.Helper()
	r, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	s := &Signer{ConsumerKey: "ck", ConsumerSecret: vConsumerSecret, Token: "tok", TokenSecret: vTokenSecret}
	if sign != nil {
		sign(s)
	}
	if err := s.Sign(r); err != nil {
		t.Fatal(err)
	}
	var wire bytes.Buffer
	if err := r.Write(&wire); err != nil {
		t.Fatal(err)
	}
	sr, err := http.ReadRequest(bufio.NewReader(&wire))
	if err != nil {
		t.Fatal(err)
	}
	return sr
}

func TestVerifyFailures(t *testing.T) {
	const url = "http://api.example/p?a=1"
	signed := func(t *testing.T) *http.Request { return serverRequest(t, "GET", url, "", "", nil) }
	withHeader := func(h string) func(t *testing.T) *http.Request {
		return func(t *testing.T) *http.Request {
			r := signed(t)
			r.Header.Set("Authorization", h)
			return r
		}
	}
	// replace edits the signed request's Authorization header.
	replace := func(old, new string) func(t *testing.T) *http.Request {
		return func(t *testing.T) *http.Request {
			r := signed(t)
			h := r.Header.Get("Authorization")
			if !strings.Contains(h, old) {
				t.Fatalf("%q not in %s", old, h)
			}
			r.Header.Set("Authorization", strings.Replace(h, old, new, 1))
			return r
		}
	}
	for _, c := range []struct {
		name   string
		req    func(t *testing.T) *http.Request
		lookup SecretLookup
		reason string
	}{
		{"nil request", func(*testing.T) *http.Request { return nil }, nil, "nil request"},
		{"no header", func(t *testing.T) *http.Request { r := signed(t); r.Header.Del("Authorization"); return r }, nil, "no OAuth Authorization header"},
		{"other scheme", withHeader("Bearer abc"), nil, "no OAuth Authorization header"},
		{"OAuthx is not OAuth", withHeader(`OAuthx oauth_consumer_key="ck"`), nil, "no OAuth Authorization header"},
		{"two OAuth headers", func(t *testing.T) *http.Request {
			r := signed(t)
			r.Header.Add("Authorization", r.Header.Get("Authorization"))
			return r
		}, nil, "2 OAuth Authorization headers"},
		{"no parameters", withHeader("OAuth"), nil, "no parameters"},
		{"unquoted value", withHeader(`OAuth oauth_consumer_key=ck`), nil, "not a quoted string"},
		{"unterminated quote", withHeader(`OAuth oauth_consumer_key="ck`), nil, "not a quoted string"},
		{"missing comma", withHeader(`OAuth oauth_consumer_key="ck" oauth_nonce="n"`), nil, "expected a comma"},
		{"missing equals", withHeader(`OAuth oauth_consumer_key`), nil, "has no value"},
		{"bad escape", replace(`oauth_consumer_key="ck"`, `oauth_consumer_key="c%zk"`), nil, `value of "oauth_consumer_key" has an invalid percent-escape`},
		{"duplicate parameter", replace(`oauth_consumer_key="ck"`, `oauth_consumer_key="ck", oauth_consumer_key="ck"`), nil, "appears twice"},
		{"version 2.0", replace(`oauth_version="1.0"`, `oauth_version="2.0"`), nil, `unsupported oauth_version "2.0"`},
		{"RSA-SHA1", replace(`oauth_signature_method="HMAC-SHA1"`, `oauth_signature_method="RSA-SHA1"`), nil, `unsupported oauth_signature_method "RSA-SHA1"`},
		{"no consumer key", replace(`oauth_consumer_key="ck", `, ``), nil, "no oauth_consumer_key"},
		{"no signature method", replace(`oauth_signature_method="HMAC-SHA1", `, ``), nil, "no oauth_signature_method"},
		{"no nonce", replace(`oauth_nonce=`, `x_nonce=`), nil, "no oauth_nonce"},
		{"no timestamp", replace(`oauth_timestamp=`, `x_timestamp=`), nil, "no oauth_timestamp"},
		{"bad timestamp", replace(`oauth_timestamp="`, `oauth_timestamp="-`), nil, "oauth_timestamp"},
		{"unknown consumer key", replace(`oauth_consumer_key="ck"`, `oauth_consumer_key="other"`), nil, "unknown consumer key or token: unknown consumer key"},
		{"unknown token", replace(`oauth_token="tok"`, `oauth_token="other"`), nil, "unknown token"},
		{"wrong secret", signed, secrets("ck", "tok", vConsumerSecret, "wrong"), "signature does not match"},
		{"signature altered", replace(`oauth_signature="`, `oauth_signature="A`), nil, "signature does not match"},
		{"nonce altered", replace(`oauth_nonce="`, `oauth_nonce="x`), nil, "signature does not match"},
		{"query altered", func(t *testing.T) *http.Request { r := signed(t); r.URL.RawQuery = "a=2"; return r }, nil, "signature does not match"},
		{"parameter added", func(t *testing.T) *http.Request { r := signed(t); r.URL.RawQuery += "&b=1"; return r }, nil, "signature does not match"},
		{"host altered", func(t *testing.T) *http.Request { r := signed(t); r.Host = "evil.example"; return r }, nil, "signature does not match"},
		{"scheme altered (TLS)", func(t *testing.T) *http.Request { r := signed(t); r.TLS = tlsState(); return r }, nil, "signature does not match"},
		{"method altered", func(t *testing.T) *http.Request { r := signed(t); r.Method = "DELETE"; return r }, nil, "signature does not match"},
		{"form body altered", func(t *testing.T) *http.Request {
			r := serverRequest(t, "POST", url, "application/x-www-form-urlencoded", "b=1", nil)
			r.Body = io.NopCloser(strings.NewReader("b=2"))
			return r
		}, nil, "signature does not match"},
		{"query not UTF-8", func(t *testing.T) *http.Request { r := signed(t); r.URL.RawQuery = "a=%FF"; return r }, nil, "not valid UTF-8"},
		{"body hash mismatch", func(t *testing.T) *http.Request {
			r := serverRequest(t, "POST", url, "application/json", `{"a":1}`, func(s *Signer) { s.BodyHash = true })
			r.Body = io.NopCloser(strings.NewReader(`{"a":2}`))
			return r
		}, nil, "oauth_body_hash does not match the body"},
		{"body hash with a form body", func(t *testing.T) *http.Request {
			// Validly signed, but oauth_body_hash must not come with a form.
			r := readRequest(t, "POST /p HTTP/1.1\r\nHost: api.example\r\nContent-Type: application/x-www-form-urlencoded\r\n"+
				"Content-Length: 3\r\nAuthorization: OAuth oauth_body_hash=\"2jmj7l5rSw0yVb%2FvlWAYkK%2FYBwk%3D\", oauth_consumer_key=\"ck\", "+
				"oauth_nonce=\"n\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1\", oauth_token=\"tok\"\r\n\r\na=1", false)
			signReceived(t, r, vConsumerSecret, vTokenSecret)
			return r
		}, nil, "oauth_body_hash was sent with a form-encoded body"},
		{"empty oauth_signature", replace(`oauth_signature="`, `oauth_signature="", x="`), nil, "signature does not match"},
		{"no lookup", signed, SecretLookup(nil), "no SecretLookup"},
	} {
		t.Run(c.name, func(t *testing.T) {
			lookup := c.lookup
			if lookup == nil && c.name != "no lookup" {
				lookup = testLookup()
			}
			v, err := Verify(c.req(t), lookup)
			var ve *VerifyError
			if !errors.As(err, &ve) {
				t.Fatalf("Verify = %+v, %v; want a *VerifyError", v, err)
			}
			if v != (Verified{}) {
				t.Errorf("Verified = %+v on failure", v)
			}
			if !strings.Contains(ve.Reason, c.reason) {
				t.Errorf("reason %q, want one containing %q", ve.Reason, c.reason)
			}
			if err.Error() != "oauth1: "+ve.Reason {
				t.Errorf("Error() = %q", err.Error())
			}
			for _, secret := range []string{vConsumerSecret, vTokenSecret} {
				if strings.Contains(ve.Reason, secret) {
					t.Errorf("reason %q contains a secret", ve.Reason)
				}
			}
		})
	}
}

func TestVerifyLeavesBodyReadable(t *testing.T) {
	for _, c := range []struct{ contentType, body string }{
		{"application/x-www-form-urlencoded", "a=1&b=2"},
		{"application/json", `{"a":1}`},
	} {
		r := serverRequest(t, "POST", "https://api.example/p", c.contentType, c.body, func(s *Signer) { s.BodyHash = true })
		r.TLS = tlsState()
		if _, err := Verify(r, testLookup()); err != nil {
			t.Fatalf("%s: %v", c.contentType, err)
		}
		if got := readAll(t, r.Body); got != c.body {
			t.Errorf("%s: body after Verify = %q", c.contentType, got)
		}
	}
	// A form the handler parses after Verify.
	r := serverRequest(t, "POST", "http://api.example/p", "application/x-www-form-urlencoded", "a=1&a=2", nil)
	if _, err := Verify(r, testLookup()); err != nil {
		t.Fatal(err)
	}
	if err := r.ParseForm(); err != nil || len(r.PostForm["a"]) != 2 {
		t.Errorf("ParseForm after Verify: %v, %v", r.PostForm, err)
	}
}

func TestVerifyLargeForm(t *testing.T) {
	body := "a=" + strings.Repeat("x", maxFormBody)
	r := serverRequest(t, "POST", "http://api.example/p", "application/x-www-form-urlencoded", "a=1", nil)
	r.Body = io.NopCloser(strings.NewReader(body))
	_, err := Verify(r, testLookup())
	var ve *VerifyError
	if !errors.As(err, &ve) || !strings.Contains(ve.Reason, "larger than") {
		t.Fatalf("Verify = %v", err)
	}
	if got := readAll(t, r.Body); got != body {
		t.Errorf("body not readable whole after refusal (%d bytes)", len(got))
	}
}

// TestVerifyClientRequest verifies a request with an absolute URL, as a
// client or a proxy holds it.
func TestVerifyClientRequest(t *testing.T) {
	r, _ := http.NewRequest("GET", "https://api.example:8443/p?q=1", nil)
	s := &Signer{ConsumerKey: "ck", ConsumerSecret: vConsumerSecret, Token: "tok", TokenSecret: vTokenSecret}
	if err := s.Sign(r); err != nil {
		t.Fatal(err)
	}
	if _, err := Verify(r, testLookup()); err != nil {
		t.Fatal(err)
	}
	r.Host = ""
	if _, err := Verify(r, testLookup()); err != nil {
		t.Errorf("with r.Host empty: %v", err)
	}
}

func TestVerifyPlaintextWithoutNonce(t *testing.T) {
	// RFC 5849 §3.1: with PLAINTEXT, oauth_timestamp and oauth_nonce MAY be omitted.
	r := readRequest(t, "GET /p HTTP/1.1\r\nHost: api.example\r\nAuthorization: OAuth oauth_consumer_key=\"ck\", oauth_token=\"tok\", "+
		"oauth_signature_method=\"PLAINTEXT\", oauth_signature=\"consumer-secret-Xy1%26token-secret-Zq2\"\r\n\r\n", false)
	v, err := Verify(r, testLookup())
	if err != nil {
		t.Fatal(err)
	}
	if !v.Timestamp.IsZero() || v.Nonce != "" || v.Method != Plaintext {
		t.Errorf("Verified = %+v", v)
	}
}

// signReceived completes the Authorization header of a received request,
// which has no oauth_signature yet, with its HMAC-SHA1 signature.
func signReceived(t *testing.T, r *http.Request, consumerSecret, tokenSecret string) {
	t.Helper()
	bs, err := BaseString(r)
	if err != nil {
		t.Fatal(err)
	}
	sig, s0, err := appendSignature(nil, HMACSHA1, appendKey(nil, consumerSecret, tokenSecret), []byte(bs))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Authorization", r.Header.Get("Authorization")+`, oauth_signature="`+string(appendEncoded(nil, sig[s0:]))+`"`)
}

func tlsState() *tls.ConnectionState { return &tls.ConnectionState{} }

func TestBaseStringErrors(t *testing.T) {
	if _, err := BaseString(nil); err == nil || !strings.Contains(err.Error(), "nil request") {
		t.Errorf("nil request: %v", err)
	}
	r, _ := http.NewRequest("GET", "https://h.example/p", nil)
	if _, err := BaseString(r); err == nil || !strings.Contains(err.Error(), "no OAuth Authorization header") {
		t.Errorf("unsigned request: %v", err)
	}
	r.Header.Set("Authorization", `OAuth oauth_consumer_key="a", oauth_consumer_key="b"`)
	if _, err := BaseString(r); err == nil || !strings.Contains(err.Error(), "appears twice") {
		t.Errorf("duplicate parameter: %v", err)
	}
	r.Header.Set("Authorization", `OAuth oauth_consumer_key="%FF"`)
	if _, err := BaseString(r); err == nil || !strings.Contains(err.Error(), "not valid UTF-8") {
		t.Errorf("invalid UTF-8: %v", err)
	}
}
