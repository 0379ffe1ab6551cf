package oauth1

import (
	"bufio"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The published vectors live in testdata/*.json, copied from
// /work/shared/reference/oauth1-vectors.md with their sources.

type signVector struct {
	Name, Source string
	Request      struct {
		Method, URL, ContentType, Body, BodyFile string
	}
	Signer struct {
		ConsumerKey, ConsumerSecret, Token, TokenSecret string
		Method, Realm, Callback, Verifier, Nonce        string
		BodyHash                                        bool
		Timestamp                                       int64
	}
	Key, BaseString, Signature, SignatureHex, Header, HeaderContains string
}

type receivedVector struct {
	Name, Source    string
	Raw             string // the request as received
	TLS             bool
	ConsumerSecret  string
	TokenSecret     string
	Key, BaseString string
	Signature       string
	Verifies        bool
}

type signatureVector struct {
	Name, Source, Method, Key, BaseString, Signature string
}

func readJSON(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

func readTestdata(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// fixed returns Nonce and Now functions that give the vector's values.
func fixed(nonce string, unix int64) (func() string, func() time.Time) {
	return func() string { return nonce }, func() time.Time { return time.Unix(unix, 0) }
}

// authParams parses the Authorization header of r into a map.
func authParams(t *testing.T, r *http.Request) map[string]string {
	t.Helper()
	ps, err := parseAuthorization(r.Header.Get("Authorization"))
	if err != nil {
		t.Fatalf("parsing our own header: %v", err)
	}
	m := map[string]string{}
	for _, p := range ps {
		m[p.name] = p.value
	}
	return m
}

func TestSignVectors(t *testing.T) {
	var vectors []signVector
	readJSON(t, "sign_vectors.json", &vectors)
	for _, v := range vectors {
		t.Run(v.Name, func(t *testing.T) {
			body := v.Request.Body
			if v.Request.BodyFile != "" {
				body = readTestdata(t, v.Request.BodyFile)
			}
			r, err := http.NewRequest(v.Request.Method, v.Request.URL, strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			if v.Request.ContentType != "" {
				r.Header.Set("Content-Type", v.Request.ContentType)
			}
			s := &Signer{
				ConsumerKey: v.Signer.ConsumerKey, ConsumerSecret: v.Signer.ConsumerSecret,
				Token: v.Signer.Token, TokenSecret: v.Signer.TokenSecret,
				Method: Method(v.Signer.Method), Realm: v.Signer.Realm, BodyHash: v.Signer.BodyHash,
				Callback: v.Signer.Callback, Verifier: v.Signer.Verifier,
			}
			s.Nonce, s.Now = fixed(v.Signer.Nonce, v.Signer.Timestamp)
			if err := s.Sign(r); err != nil {
				t.Fatalf("Sign: %v", err)
			}
			header := r.Header.Get("Authorization")
			if v.Header != "" && header != v.Header {
				t.Errorf("header:\n got %s\nwant %s", header, v.Header)
			}
			if v.HeaderContains != "" && !strings.Contains(header, v.HeaderContains) {
				t.Errorf("header %s\ndoes not contain %s", header, v.HeaderContains)
			}
			if got := authParams(t, r)["oauth_signature"]; got != v.Signature {
				t.Errorf("signature = %s, want %s", got, v.Signature)
			}
			if v.SignatureHex != "" {
				raw, _ := base64.StdEncoding.DecodeString(v.Signature)
				if got := strings.ToUpper(hex.EncodeToString(raw)); got != v.SignatureHex {
					t.Errorf("raw HMAC = %s, want %s", got, v.SignatureHex)
				}
			}
			if v.Key != "" {
				if got := string(appendKey(nil, s.ConsumerSecret, s.TokenSecret)); got != v.Key {
					t.Errorf("key = %s, want %s", got, v.Key)
				}
			}
			if v.BaseString != "" {
				bs, err := BaseString(r)
				if err != nil {
					t.Fatalf("BaseString: %v", err)
				}
				if bs != v.BaseString {
					t.Errorf("base string:\n got %s\nwant %s", bs, v.BaseString)
				}
			}
			// The body reads whole again, and so does GetBody.
			if got := readAll(t, r.Body); got != body {
				t.Errorf("body after Sign = %q, want %q", got, body)
			}
			rc, err := r.GetBody()
			if err != nil {
				t.Fatal(err)
			}
			if got := readAll(t, rc); got != body {
				t.Errorf("GetBody after Sign = %q, want %q", got, body)
			}
			// What we sign, we verify.
			r.Body, _ = r.GetBody()
			vd, err := Verify(r, secrets(s.ConsumerKey, s.Token, s.ConsumerSecret, s.TokenSecret))
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if vd.Nonce != v.Signer.Nonce || vd.Timestamp.Unix() != v.Signer.Timestamp {
				t.Errorf("Verified = %+v", vd)
			}
		})
	}
}

func readAll(t *testing.T, r io.Reader) string {
	t.Helper()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// secrets is a SecretLookup that knows one consumer key and token.
func secrets(consumerKey, token, consumerSecret, tokenSecret string) SecretLookup {
	return func(ck, tok string) (string, string, error) {
		if ck != consumerKey {
			return "", "", errors.New("unknown consumer key")
		}
		if tok != token {
			return "", "", errors.New("unknown token")
		}
		return consumerSecret, tokenSecret, nil
	}
}

// readRequest parses raw as a server does.
func readRequest(t *testing.T, raw string, isTLS bool) *http.Request {
	t.Helper()
	r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw)))
	if err != nil {
		t.Fatal(err)
	}
	if isTLS {
		r.TLS = &tls.ConnectionState{}
	}
	return r
}

func TestReceivedVectors(t *testing.T) {
	var vectors []receivedVector
	readJSON(t, "received_vectors.json", &vectors)
	for _, v := range vectors {
		t.Run(v.Name, func(t *testing.T) {
			r := readRequest(t, v.Raw, v.TLS)
			bs, err := BaseString(r)
			if err != nil {
				t.Fatalf("BaseString: %v", err)
			}
			if bs != v.BaseString {
				t.Errorf("base string:\n got %s\nwant %s", bs, v.BaseString)
			}
			key := appendKey(nil, v.ConsumerSecret, v.TokenSecret)
			if v.Key != "" && string(key) != v.Key {
				t.Errorf("key = %s, want %s", key, v.Key)
			}
			sig, s0, err := appendSignature(nil, HMACSHA1, key, []byte(v.BaseString))
			if err != nil {
				t.Fatal(err)
			}
			if got := string(sig[s0:]); got != v.Signature {
				t.Errorf("signature = %s, want %s", got, v.Signature)
			}

			ps, err := parseAuthorization(r.Header.Get("Authorization"))
			if err != nil {
				t.Fatal(err)
			}
			var ck, tok string
			for _, p := range ps {
				switch p.name {
				case "oauth_consumer_key":
					ck = p.value
				case "oauth_token":
					tok = p.value
				}
			}
			_, err = Verify(r, secrets(ck, tok, v.ConsumerSecret, v.TokenSecret))
			if v.Verifies && err != nil {
				t.Errorf("Verify: %v", err)
			}
			if !v.Verifies && (err == nil || !strings.Contains(err.Error(), "oauth_timestamp")) {
				t.Errorf("Verify: %v, want an error about oauth_timestamp", err)
			}
			// A wrong secret never verifies.
			if _, err := Verify(r, secrets(ck, tok, v.ConsumerSecret+"x", v.TokenSecret)); err == nil {
				t.Errorf("Verify with a wrong secret succeeded")
			}
		})
	}
}

func TestSignatureVectors(t *testing.T) {
	var vectors []signatureVector
	readJSON(t, "signature_vectors.json", &vectors)
	for _, v := range vectors {
		t.Run(v.Name, func(t *testing.T) {
			sig, s0, err := appendSignature(nil, Method(v.Method), []byte(v.Key), []byte(v.BaseString))
			if err != nil {
				t.Fatal(err)
			}
			if got := string(sig[s0:]); got != v.Signature {
				t.Errorf("signature = %s, want %s", got, v.Signature)
			}
		})
	}
}

type encodingVectors struct {
	PercentEncode [][2]string
	BaseURI       []struct {
		Source, Raw, URL, Want, Dghubble string
		TLS                              bool
	}
	SignatureBase []struct {
		Source, Method, URL, Want, Dghubble string
		Params                              [][2]string
	}
	Normalized []struct {
		Source, Want string
		Params       [][2]string
	}
	BodyHash []struct {
		Source, Body, BodyFile, Want string
	}
}

func TestEncodingVectors(t *testing.T) {
	var v encodingVectors
	readJSON(t, "encoding_vectors.json", &v)
	for _, c := range v.PercentEncode {
		if got := string(appendEncoded(nil, c[0])); got != c[1] {
			t.Errorf("encode(%q) = %q, want %q", c[0], got, c[1])
		}
	}
	for _, c := range v.BaseURI {
		var r *http.Request
		if c.Raw != "" {
			r = readRequest(t, c.Raw, c.TLS)
		} else {
			var err error
			if r, err = http.NewRequest("GET", c.URL, nil); err != nil {
				t.Fatal(err)
			}
		}
		enc, err := appendBaseURI(nil, r)
		if err != nil {
			t.Fatalf("%s: %v", c.Source, err)
		}
		if got := string(appendEncoded(nil, c.Want)); string(enc) != got {
			t.Errorf("%s: base URI = %s, want %s", c.Source, enc, got)
		}
	}
	for _, c := range v.SignatureBase {
		r, err := http.NewRequest(c.Method, c.URL, nil)
		if err != nil {
			t.Fatal(err)
		}
		var p params
		for _, kv := range c.Params {
			if p, err = p.add(kv[0], kv[1]); err != nil {
				t.Fatal(err)
			}
		}
		p, bs, err := p.appendBaseString(r, 0)
		if err != nil {
			t.Fatal(err)
		}
		if got := string(p.buf[bs.start:bs.end]); got != c.Want {
			t.Errorf("%s: base string = %s, want %s", c.Source, got, c.Want)
		}
	}
	for _, c := range v.Normalized {
		var p params
		var err error
		for _, kv := range c.Params {
			if p, err = p.add(kv[0], kv[1]); err != nil {
				t.Fatal(err)
			}
		}
		if got := normalized(p); got != c.Want {
			t.Errorf("%s: normalized = %s, want %s", c.Source, got, c.Want)
		}
	}
	for _, c := range v.BodyHash {
		body := c.Body
		if c.BodyFile != "" {
			body = readTestdata(t, c.BodyFile)
		}
		h, err := appendBodyHash(nil, HMACSHA1, []byte(body))
		if err != nil {
			t.Fatal(err)
		}
		if string(h[:]) != c.Want {
			t.Errorf("%s: body hash = %s, want %s", c.Source, h[:], c.Want)
		}
	}
}

// normalized sorts p and returns its normalized parameter string (before
// the base string encodes it again).
func normalized(p params) string {
	p.sort(0)
	var b strings.Builder
	for i, q := range p.pairs {
		if i > 0 {
			b.WriteByte('&')
		}
		b.Write(appendEncodedOnce(nil, p.buf[q.k0:q.v0]))
		b.WriteByte('=')
		b.Write(appendEncodedOnce(nil, p.buf[q.v0:q.v1]))
	}
	return b.String()
}
