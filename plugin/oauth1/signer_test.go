package oauth1

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"hash"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestSignHeader(t *testing.T) {
	r, _ := http.NewRequest("GET", "https://h.example/p", nil)
	s := testSigner()
	s.Realm = `Ads "API" \ x`
	if err := s.Sign(r); err != nil {
		t.Fatal(err)
	}
	const sig = "MzVWf9ekThO%2BUK9ACBomFvNY3Xs%3D" // computed independently (Python hmac)
	want := `OAuth realm="Ads \"API\" \\ x", oauth_consumer_key="ck", oauth_nonce="n0nce", oauth_signature="` + sig +
		`", oauth_signature_method="HMAC-SHA1", oauth_timestamp="1700000000", oauth_token="tok", oauth_version="1.0"`
	if got := r.Header.Get("Authorization"); got != want {
		t.Errorf("header:\n got %s\nwant %s", got, want)
	}
	if got := authParams(t, r)["realm"]; got != s.Realm {
		t.Errorf("realm parsed back as %q, want %q", got, s.Realm)
	}
	// Signing again replaces the header.
	if err := s.Sign(r); err != nil {
		t.Fatal(err)
	}
	if n := len(r.Header.Values("Authorization")); n != 1 {
		t.Errorf("%d Authorization headers after signing twice", n)
	}
}

func TestSignMethods(t *testing.T) {
	for _, c := range []struct {
		method Method
		hash   func() hash.Hash
		name   string
	}{
		{"", sha1.New, "HMAC-SHA1"},
		{HMACSHA1, sha1.New, "HMAC-SHA1"},
		{HMACSHA256, sha256.New, "HMAC-SHA256"},
		{HMACSHA512, sha512.New, "HMAC-SHA512"},
		{Plaintext, nil, "PLAINTEXT"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, _ := http.NewRequest("GET", "https://h.example/p?a=1", nil)
			s := testSigner()
			s.Method = c.method
			s.ConsumerSecret, s.TokenSecret = "c s&", "t~s"
			if err := s.Sign(r); err != nil {
				t.Fatal(err)
			}
			ps := authParams(t, r)
			if ps["oauth_signature_method"] != c.name {
				t.Errorf("oauth_signature_method = %q, want %q", ps["oauth_signature_method"], c.name)
			}
			key := "c%20s%26&t~s"
			want := key
			if c.hash != nil {
				bs, err := BaseString(r)
				if err != nil {
					t.Fatal(err)
				}
				mac := hmac.New(c.hash, []byte(key))
				mac.Write([]byte(bs))
				want = base64.StdEncoding.EncodeToString(mac.Sum(nil))
			}
			if ps["oauth_signature"] != want {
				t.Errorf("signature = %s, want %s", ps["oauth_signature"], want)
			}
			if _, err := Verify(r, secrets("ck", "tok", s.ConsumerSecret, s.TokenSecret)); err != nil {
				t.Errorf("Verify: %v", err)
			}
		})
	}
}

// TestHMAC checks the package's HMAC against crypto/hmac, keys longer
// than a block included.
func TestHMAC(t *testing.T) {
	for _, c := range []struct {
		method Method
		hash   func() hash.Hash
	}{{HMACSHA1, sha1.New}, {HMACSHA256, sha256.New}, {HMACSHA512, sha512.New}} {
		for _, keyLen := range []int{0, 1, 63, 64, 65, 127, 128, 129, 300} {
			for _, msgLen := range []int{0, 1, 55, 56, 64, 1000} {
				key := bytes.Repeat([]byte{byte(keyLen)}, keyLen)
				msg := bytes.Repeat([]byte("m"), msgLen)
				mac := hmac.New(c.hash, key)
				mac.Write(msg)
				want := base64.StdEncoding.EncodeToString(mac.Sum(nil))
				got, s0, err := appendSignature([]byte("prefix"), c.method, key, msg)
				if err != nil {
					t.Fatal(err)
				}
				if string(got[:6]) != "prefix" || string(got[s0:]) != want {
					t.Errorf("%s key %d msg %d: got %s, want %s", c.method, keyLen, msgLen, got[s0:], want)
				}
			}
		}
	}
}

func TestSignBody(t *testing.T) {
	const body = "a=1&b=2"
	newReq := func(body io.Reader) *http.Request {
		r, _ := http.NewRequest("POST", "https://h.example/p", body)
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return r
	}
	t.Run("GetBody from NewRequest kept working", func(t *testing.T) {
		r := newReq(strings.NewReader(body))
		if err := testSigner().Sign(r); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 2; i++ {
			rc, err := r.GetBody()
			if err != nil {
				t.Fatal(err)
			}
			if got := readAll(t, rc); got != body {
				t.Errorf("GetBody #%d = %q", i, got)
			}
		}
		if got := readAll(t, r.Body); got != body {
			t.Errorf("Body = %q", got)
		}
	})
	t.Run("opaque body gets a GetBody", func(t *testing.T) {
		r := newReq(io.NopCloser(strings.NewReader(body)))
		r.GetBody = nil
		closed := &closeRecorder{Reader: strings.NewReader(body)}
		r.Body = closed
		if err := testSigner().Sign(r); err != nil {
			t.Fatal(err)
		}
		if !closed.closed {
			t.Error("the original body was not closed")
		}
		if r.GetBody == nil {
			t.Fatal("GetBody is nil")
		}
		rc, _ := r.GetBody()
		if got := readAll(t, rc); got != body {
			t.Errorf("GetBody = %q", got)
		}
		if bs, _ := BaseString(r); !strings.Contains(bs, "a%3D1%26b%3D2") {
			t.Errorf("body not signed: %s", bs)
		}
		if got := readAll(t, r.Body); got != body {
			t.Errorf("Body = %q", got)
		}
	})
	t.Run("http.NoBody", func(t *testing.T) {
		r := newReq(http.NoBody)
		if err := testSigner().Sign(r); err != nil {
			t.Fatal(err)
		}
		if r.Body != http.NoBody {
			t.Errorf("Body replaced")
		}
	})
	t.Run("read error", func(t *testing.T) {
		r := newReq(io.NopCloser(io.MultiReader(strings.NewReader("a=1"), errReader{})))
		err := testSigner().Sign(r)
		if err == nil || !strings.Contains(err.Error(), "reading body") {
			t.Fatalf("err = %v", err)
		}
	})
}

type closeRecorder struct {
	io.Reader
	closed bool
}

func (c *closeRecorder) Close() error { c.closed = true; return nil }

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, io.ErrUnexpectedEOF }

func TestSignErrors(t *testing.T) {
	get := func(rawURL string) *http.Request {
		r, err := http.NewRequest("GET", rawURL, nil)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	ok := func() *http.Request { return get("https://h.example/p") }
	const secret = "s3cr\xffet"
	for _, c := range []struct {
		name    string
		req     func() *http.Request
		signer  func(*Signer)
		wantErr string
	}{
		{"nil request", func() *http.Request { return nil }, nil, "nil request"},
		{"nil URL", func() *http.Request { r := ok(); r.URL = nil; return r }, nil, "no URL"},
		{"relative URL", func() *http.Request { r := ok(); r.URL = &url.URL{Path: "/p"}; r.Host = ""; return r }, nil, "not absolute"},
		{"opaque URL", func() *http.Request { return get("mailto:someone@example.com") }, nil, "not absolute"},
		{"empty consumer key", ok, func(s *Signer) { s.ConsumerKey = "" }, "empty consumer key"},
		{"unknown method", ok, func(s *Signer) { s.Method = "RSA-MD5" }, `unsupported signature method "RSA-MD5"`},
		{"RSA method without a key", ok, func(s *Signer) { s.Method = RSASHA1 }, "RSA-SHA1 needs PrivateKey"},
		{"method in lower case", ok, func(s *Signer) { s.Method = "hmac-sha1" }, "unsupported signature method"},
		{"consumer key not UTF-8", ok, func(s *Signer) { s.ConsumerKey = "k\xff" }, "consumer key is not valid UTF-8"},
		{"consumer secret not UTF-8", ok, func(s *Signer) { s.ConsumerSecret = secret }, "consumer secret is not valid UTF-8"},
		{"token not UTF-8", ok, func(s *Signer) { s.Token = "t\xc3" }, "token is not valid UTF-8"},
		{"token secret not UTF-8", ok, func(s *Signer) { s.TokenSecret = secret }, "token secret is not valid UTF-8"},
		{"realm with a newline", ok, func(s *Signer) { s.Realm = "a\r\nX-Evil: 1" }, "control character"},
		{"empty nonce", ok, func(s *Signer) { s.Nonce = func() string { return "" } }, "empty string"},
		{"nonce not UTF-8", ok, func(s *Signer) { s.Nonce = func() string { return "\xff" } }, "Nonce returned a string that is not valid UTF-8"},
		{"time before 1970", ok, func(s *Signer) { s.Now = func() time.Time { return time.Unix(-1, 0) } }, "before 1970"},
		{"query not UTF-8", func() *http.Request { return get("https://h.example/p?q=%FF") }, nil, `query parameter "q=%FF": value is not valid UTF-8`},
		{"query key not UTF-8", func() *http.Request { return get("https://h.example/p?%C3=1") }, nil, `query parameter "%C3=1": name is not valid UTF-8`},
		{"bad escape", func() *http.Request { r := ok(); r.URL.RawQuery = "q=%zz"; return r }, nil, "invalid percent-escape"},
		{"truncated escape", func() *http.Request { r := ok(); r.URL.RawQuery = "q=%4"; return r }, nil, "invalid percent-escape"},
		{"form body not UTF-8", func() *http.Request {
			r, _ := http.NewRequest("POST", "https://h.example/p", strings.NewReader("a=%E2%98"))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return r
		}, nil, `form body parameter "a=%E2%98": value is not valid UTF-8`},
		{"method with a space", func() *http.Request { r := ok(); r.Method = "GE T"; return r }, nil, "not a valid HTTP method"},
		{"method with &", func() *http.Request { r := ok(); r.Method = "A&B"; return r }, nil, "not a valid HTTP method"},
		{"host net/http would not send", func() *http.Request { return get(`HTTP://"`) }, nil, "cannot be sent in a Host header"},
		{"r.Host with a space", func() *http.Request { r := ok(); r.Host = "a b"; return r }, nil, "cannot be sent in a Host header"},
		{"host not ASCII", func() *http.Request { return get("https://bücher.example/p") }, nil, "punycode"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := testSigner()
			s.ConsumerSecret, s.TokenSecret = "the-consumer-secret", "the-token-secret"
			if c.signer != nil {
				c.signer(s)
			}
			err := s.Sign(c.req())
			if err == nil {
				t.Fatalf("Sign succeeded, want an error containing %q", c.wantErr)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "oauth1: ") || !strings.Contains(msg, c.wantErr) {
				t.Errorf("error %q, want one containing %q", msg, c.wantErr)
			}
			for _, secret := range []string{s.ConsumerSecret, s.TokenSecret} {
				if secret != "" && strings.Contains(msg, secret) {
					t.Errorf("error %q contains a secret", msg)
				}
			}
		})
	}
	var nilSigner *Signer
	if err := nilSigner.Sign(get("https://h.example/")); err == nil {
		t.Error("nil Signer signed")
	}
}

func TestDefaultNonceAndTime(t *testing.T) {
	s := &Signer{ConsumerKey: "ck"}
	seen := map[string]bool{}
	for i := 0; i < 100; i++ {
		r, _ := http.NewRequest("GET", "https://h.example/", nil)
		before := time.Now().Unix()
		if err := s.Sign(r); err != nil {
			t.Fatal(err)
		}
		ps := authParams(t, r)
		n := ps["oauth_nonce"]
		if len(n) != nonceLen || string(appendEncoded(nil, n)) != n {
			t.Fatalf("nonce %q is not %d unreserved characters", n, nonceLen)
		}
		if seen[n] {
			t.Fatalf("nonce %q repeated", n)
		}
		seen[n] = true
		if ts, err := strconv.ParseInt(ps["oauth_timestamp"], 10, 64); err != nil || ts < before || ts > time.Now().Unix() {
			t.Fatalf("timestamp %s is not now (%d)", ps["oauth_timestamp"], before)
		}
	}
}

func TestPercentDecode(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", ""}, {"abc", "abc"}, {"a+b", "a+b"}, {"%41%2b%2B", "A++"}, {"%E2%98%83", "☃"},
		{"%", "!"}, {"%%", "!"}, {"%4", "!"}, {"%zz", "!"}, {"a%", "!"}, {"%%%", "!"}, {"%41%", "!"},
	} {
		got, err := percentDecode(c.in)
		if c.want == "!" {
			if err == nil {
				t.Errorf("percentDecode(%q) = %q, want an error", c.in, got)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("percentDecode(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}
