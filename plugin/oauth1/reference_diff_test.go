package oauth1

import (
	"bufio"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	mrand "math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestDifferentialReference signs generated requests, every method and
// placement, with realms, body hashes, callbacks, duplicate and
// oauth_-free parameters, charset form types and JSON bodies, then checks
// each as a server receives it off the wire with the reference verifier of
// reference_test.go: the signature holds, the base string is the
// reference's, and the protocol parameters are the Signer's, where they
// were asked for. The package's own Verify(Keys) must agree. As a control,
// the reference refuses each request under the wrong secret or key.
func TestDifferentialReference(t *testing.T) {
	vs := readRSAVectors(t)
	big, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	rsaKeys := []*rsa.PrivateKey{vs.privateKey(t, "wiki"), vs.privateKey(t, "oauthlib"), big}
	rng := mrand.New(mrand.NewPCG(5849, 3))
	n := 3000
	if testing.Short() {
		n = 300
	}
	counts := map[string]int{}
	for i := 0; i < n; i++ {
		c := genRefCase(rng, rsaKeys)
		counts[string(c.signer.Method)+" "+c.signer.Placement.String()]++
		r, err := http.NewRequest(c.method, c.url, strings.NewReader(c.body))
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		if c.contentType != "" {
			r.Header.Set("Content-Type", c.contentType)
		}
		s := c.signer
		if err := s.Sign(r); err != nil {
			t.Fatalf("case %d: Sign: %v\n%s", i, err, c)
		}
		var wire strings.Builder
		if err := r.Write(&wire); err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		received := func() *http.Request {
			sr, err := http.ReadRequest(bufio.NewReader(strings.NewReader(wire.String())))
			if err != nil {
				t.Fatalf("case %d: %v", i, err)
			}
			return sr
		}
		keys := refKeys{c.signer.ConsumerSecret, c.signer.TokenSecret, nil}
		wrong := refKeys{c.signer.ConsumerSecret + "x", c.signer.TokenSecret, nil}
		if s.PrivateKey != nil {
			keys = refKeys{publicKey: &s.PrivateKey.PublicKey}
			wrong = refKeys{publicKey: &rsaKeys[(indexKey(rsaKeys, s.PrivateKey)+1)%len(rsaKeys)].PublicKey}
		}
		ref, err := refVerify(received(), r.URL.Scheme, keys)
		if err != nil {
			t.Fatalf("case %d: the reference refuses: %v\n%s\nwire %q", i, err, c, wire.String())
		}
		if _, err := refVerify(received(), r.URL.Scheme, wrong); err == nil {
			t.Fatalf("case %d: the reference verifies under the wrong key\n%s", i, c)
		}
		checkProtocol(t, i, c, ref)

		sr := received()
		if r.URL.Scheme == "https" {
			sr.TLS = tlsState()
		}
		if bs, err := BaseString(sr); err != nil || bs != ref.baseString {
			t.Fatalf("case %d: base string %v\n ours %s\n ref  %s\n%s", i, err, bs, ref.baseString, c)
		}
		_, err = VerifyKeys(sr, func(string, string) (Keys, error) {
			return Keys{ConsumerSecret: keys.consumerSecret, TokenSecret: keys.tokenSecret, PublicKey: keys.publicKey}, nil
		})
		if err != nil {
			t.Fatalf("case %d: VerifyKeys: %v\n%s", i, err, c)
		}
	}
	if !testing.Short() {
		for _, m := range []Method{HMACSHA1, HMACSHA256, HMACSHA512, RSASHA1, RSASHA256, RSASHA512, Plaintext} {
			for _, p := range []Placement{InHeader, InQuery, InBody} {
				if counts[string(m)+" "+p.String()] < 10 {
					t.Errorf("only %d cases of %s %s", counts[string(m)+" "+p.String()], m, p)
				}
			}
		}
	}
}

func indexKey(keys []*rsa.PrivateKey, k *rsa.PrivateKey) int {
	for i, x := range keys {
		if x == k {
			return i
		}
	}
	return -1
}

// checkProtocol compares what the reference found with the Signer's
// values.
func checkProtocol(t *testing.T, i int, c refCase, ref refResult) {
	t.Helper()
	s := c.signer
	want := map[string]string{
		"oauth_consumer_key":     s.ConsumerKey,
		"oauth_nonce":            s.Nonce(),
		"oauth_timestamp":        fmt.Sprint(s.Now().Unix()),
		"oauth_signature_method": string(s.Method),
		"oauth_version":          "1.0",
		"oauth_token":            s.Token,
		"oauth_callback":         s.Callback,
		"oauth_verifier":         s.Verifier,
		"realm":                  s.Realm,
	}
	for name, v := range want {
		if got, ok := ref.protocol[name]; got != v || ok != (v != "") {
			t.Fatalf("case %d: %s = %q (sent %v), want %q\n%s", i, name, got, ok, v, c)
		}
	}
	if _, ok := ref.protocol["oauth_body_hash"]; ok != (s.BodyHash && !isFormType(c.contentType)) {
		t.Fatalf("case %d: oauth_body_hash sent %v\n%s", i, ok, c)
	}
	if ref.inHeader != (s.Placement == InHeader) {
		t.Fatalf("case %d: parameters in the header: %v\n%s", i, ref.inHeader, c)
	}
}

func isFormType(ct string) bool {
	h := http.Header{}
	h.Set("Content-Type", ct)
	return isForm(h)
}

type refCase struct {
	method, url, contentType, body string
	signer                         Signer
}

func (c refCase) String() string {
	return fmt.Sprintf("%s %s (Content-Type %q) body %q; %s %s realm %q body hash %v token %q",
		c.method, c.url, c.contentType, c.body, c.signer.Method, c.signer.Placement, c.signer.Realm, c.signer.BodyHash, c.signer.Token)
}

var refMethods = []Method{HMACSHA1, HMACSHA256, HMACSHA512, RSASHA1, RSASHA256, RSASHA512, Plaintext}

var refFormTypes = []string{
	"application/x-www-form-urlencoded",
	"application/x-www-form-urlencoded; charset=utf-8",
	"Application/X-WWW-Form-URLEncoded ; charset=UTF-8",
}

// genRefCase generates a request and a Signer, wider than the dghubble
// generator: duplicate names, empty paths, either scheme's default port,
// every method and placement.
func genRefCase(rng *mrand.Rand, keys []*rsa.PrivateKey) refCase {
	var c refCase
	c.method = []string{"GET", "POST", "PUT", "DELETE", "PATCH", "post"}[rng.IntN(6)]
	scheme := []string{"http", "https", "HTTPS"}[rng.IntN(3)]
	host := []string{"ads-api.x.com", "API.Example.COM", "localhost", "127.0.0.1", "[::1]"}[rng.IntN(5)]
	if rng.IntN(2) == 0 {
		host += []string{":80", ":443", ":8080", ":3737"}[rng.IntN(4)]
	}
	var path strings.Builder
	for n := rng.IntN(4); n > 0; n-- {
		path.WriteString("/" + url.PathEscape(genString(rng, 0, 8)))
	}
	c.url = scheme + "://" + host + path.String()
	used := map[string]bool{}
	query := genForm(rng, rng.IntN(7), used)
	if query != "" && rng.IntN(4) == 0 {
		query += "&" + strings.Split(query, "&")[0] // a duplicate pair
	}
	if query != "" {
		c.url += "?" + query
	}
	if c.method != "GET" && c.method != "DELETE" {
		switch rng.IntN(4) {
		case 0, 1:
			c.contentType = refFormTypes[rng.IntN(len(refFormTypes))]
			c.body = genForm(rng, rng.IntN(5), used)
			if c.body != "" && query != "" && rng.IntN(3) == 0 {
				c.body += "&" + strings.Split(query, "&")[0] // also in the query
			}
		case 2:
			c.contentType = "application/json"
			c.body = `{"name":"` + genString(rng, 0, 10) + `"}`
		}
	}
	s := &c.signer
	s.Method = refMethods[rng.IntN(len(refMethods))]
	if s.Method.isRSA() {
		s.PrivateKey = keys[rng.IntN(len(keys))]
	}
	s.Placement = []Placement{InHeader, InQuery, InBody}[rng.IntN(3)]
	if s.Placement == InBody && !isFormType(c.contentType) {
		s.Placement = InHeader
	}
	s.ConsumerKey = genString(rng, 1, 20)
	s.ConsumerSecret = genString(rng, 0, 40)
	if rng.IntN(4) > 0 {
		s.Token = genString(rng, 1, 30)
		s.TokenSecret = genString(rng, 0, 40)
	}
	if s.Placement == InHeader && rng.IntN(3) == 0 {
		s.Realm = genString(rng, 1, 12) + []string{"", `\`, `"`, `", x="`}[rng.IntN(4)]
	}
	s.BodyHash = rng.IntN(2) == 0
	if rng.IntN(5) == 0 {
		s.Callback = "https://client.example/cb?x=" + genString(rng, 0, 6)
	}
	if rng.IntN(5) == 0 {
		s.Verifier = genString(rng, 1, 10)
	}
	nonce, unix := genString(rng, 1, 40), rng.Int64N(1<<40)
	s.Nonce, s.Now = fixed(nonce, unix)
	return c
}
