package oauth1

import (
	"crypto/rsa"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestDifferentialDghubble signs generated requests (HMAC-SHA1,
// HMAC-SHA256, and RSA-SHA1 with the OAuth wiki's test key) with this
// package and with github.com/dghubble/oauth1 and requires identical
// signatures and protocol parameters. The generator keeps to the shapes where that
// library follows RFC 5849 (see doc.go): no duplicate parameter names (it
// keeps one value per name, across query and body), no charset on a form
// Content-Type (it then ignores the body), a non-empty path (it leaves an
// empty one empty), no port that is the other scheme's default (it drops
// 80 and 443 whatever the scheme), no realm comparison in the header (it
// percent-encodes the realm), no ';' or bad escapes in the query (url.Query
// drops those pairs), always a token (its Transport sends oauth_token=""
// without one).
func TestDifferentialDghubble(t *testing.T) {
	rng := rand.New(rand.NewPCG(5849, 1))
	vs := readRSAVectors(t)
	key := vs.privateKey(t, "wiki")
	n := 3000
	if testing.Short() {
		n = 300
	}
	for i := 0; i < n; i++ {
		g := genRequest(rng, key)
		var theirs *http.Request
		tr := dghubbleTransport(g.signer, func(r *http.Request) { theirs = r })
		if _, err := tr.RoundTrip(g.request(t)); err != nil {
			t.Fatalf("case %d: dghubble: %v", i, err)
		}
		their := authParams(t, theirs)
		ts, err := strconv.ParseInt(their["oauth_timestamp"], 10, 64)
		if err != nil {
			t.Fatalf("case %d: dghubble timestamp %q", i, their["oauth_timestamp"])
		}
		s := g.signer
		s.Now = func() time.Time { return time.Unix(ts, 0) }
		r := g.request(t)
		if err := s.Sign(r); err != nil {
			t.Fatalf("case %d: Sign: %v\n%s", i, err, g)
		}
		ours := authParams(t, r)
		delete(ours, "realm")
		delete(their, "realm")
		if fmt.Sprint(ours) != fmt.Sprint(their) {
			bs, _ := BaseString(r)
			t.Fatalf("case %d: %s\n ours   %v\n theirs %v\nour base string %s", i, g, ours, their, bs)
		}
	}
}

type genReq struct {
	method, url, contentType, body string
	signer                         Signer
}

func (g genReq) String() string {
	return fmt.Sprintf("%s %s (Content-Type %q) body %q method %q", g.method, g.url, g.contentType, g.body, g.signer.Method)
}

func (g genReq) request(t *testing.T) *http.Request {
	r, err := http.NewRequest(g.method, g.url, strings.NewReader(g.body))
	if err != nil {
		t.Fatalf("%s: %v", g, err)
	}
	if g.contentType != "" {
		r.Header.Set("Content-Type", g.contentType)
	}
	return r
}

// genAlphabet mixes unreserved bytes, the characters signers get wrong,
// delimiters, spaces and multi-byte UTF-8.
var genAlphabet = []string{
	"a", "Z", "0", "9", "-", ".", "_", "~", " ", "!", "*", "'", "(", ")", "+", "&", "=", "/", "?", "%",
	"@", "#", ":", ",", "$", "[", "]", "\"", "<", "é", "☃", "€", "😀", "ル",
}

func genString(rng *rand.Rand, min, max int) string {
	var b strings.Builder
	for n := min + rng.IntN(max-min+1); n > 0; n-- {
		b.WriteString(genAlphabet[rng.IntN(len(genAlphabet))])
	}
	return b.String()
}

// genForm returns n name=value pairs, encoded, with names new to used.
func genForm(rng *rand.Rand, n int, used map[string]bool) string {
	var parts []string
	for len(parts) < n {
		name := genString(rng, 1, 8)
		if used[name] || strings.HasPrefix(name, "oauth_") {
			continue
		}
		used[name] = true
		value := genString(rng, 0, 12)
		if rng.IntN(2) == 0 {
			parts = append(parts, url.QueryEscape(name)+"="+url.QueryEscape(value))
		} else {
			parts = append(parts, string(appendEncoded(nil, name))+"="+string(appendEncoded(nil, value)))
		}
	}
	return strings.Join(parts, "&")
}

// genRequest generates a request and a Signer; one in four Signers uses
// RSA-SHA1 with key.
func genRequest(rng *rand.Rand, key *rsa.PrivateKey) genReq {
	var g genReq
	g.method = []string{"GET", "POST", "PUT", "DELETE", "PATCH", "get"}[rng.IntN(6)]
	scheme := []string{"http", "https"}[rng.IntN(2)]
	host := []string{"ads-api.x.com", "API.Example.COM", "localhost", "127.0.0.1"}[rng.IntN(4)]
	switch rng.IntN(3) {
	case 1:
		host += []string{":8080", ":8443", ":3737"}[rng.IntN(3)]
	case 2:
		host += map[string]string{"http": ":80", "https": ":443"}[scheme]
	}
	var path strings.Builder
	for n := 1 + rng.IntN(3); n > 0; n-- {
		path.WriteString("/" + url.PathEscape(genString(rng, 1, 8)))
	}
	g.url = scheme + "://" + host + path.String()
	used := map[string]bool{}
	if n := rng.IntN(9); n > 0 {
		g.url += "?" + genForm(rng, n, used)
	}
	if g.method != "GET" && g.method != "get" && g.method != "DELETE" {
		switch rng.IntN(4) {
		case 0, 1:
			g.contentType = "application/x-www-form-urlencoded"
			g.body = genForm(rng, rng.IntN(6), used)
		case 2:
			g.contentType = "application/json"
			g.body = `{"name":"` + genString(rng, 0, 10) + `"}`
		}
	}
	g.signer = Signer{
		ConsumerKey:    genString(rng, 1, 20),
		ConsumerSecret: genString(rng, 0, 40),
		Method:         []Method{HMACSHA1, HMACSHA256}[rng.IntN(2)],
	}
	g.signer.Token = genString(rng, 1, 30)
	g.signer.TokenSecret = genString(rng, 0, 40)
	if rng.IntN(5) == 0 {
		g.signer.Realm = "Ads API"
	}
	if rng.IntN(4) == 0 {
		g.signer.Method, g.signer.PrivateKey = RSASHA1, key
	}
	nonce := genString(rng, 1, 40)
	g.signer.Nonce = func() string { return nonce }
	return g
}

// TestDghubbleDifferences pins the shapes doc.go lists, where
// dghubble/oauth1 signs something else than RFC 5849 (and this package):
// if one stops differing, the documentation is stale.
func TestDghubbleDifferences(t *testing.T) {
	form := "application/x-www-form-urlencoded"
	for _, c := range []struct {
		name                           string
		method, url, contentType, body string
		noToken                        bool
	}{
		{name: "duplicate query keys", method: "GET", url: "https://h.example/p?a=1&a=2"},
		{name: "same key in query and body", method: "POST", url: "https://h.example/p?a=1", contentType: form, body: "a=2"},
		{name: "form Content-Type with charset", method: "POST", url: "https://h.example/p", contentType: form + "; charset=utf-8", body: "a=1"},
		{name: "empty path", method: "GET", url: "https://h.example"},
		{name: "port 443 with http", method: "GET", url: "http://h.example:443/p"},
		{name: "semicolon in the query", method: "GET", url: "https://h.example/p?a=1;b"},
		{name: "no token", method: "GET", url: "https://h.example/p", noToken: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			g := genReq{method: c.method, url: c.url, contentType: c.contentType, body: c.body}
			g.signer = Signer{ConsumerKey: "ck", ConsumerSecret: "cs", Token: "tok", TokenSecret: "ts"}
			if c.noToken {
				g.signer.Token, g.signer.TokenSecret = "", ""
			}
			g.signer.Nonce = func() string { return "n" }
			var theirs *http.Request
			if _, err := dghubbleTransport(g.signer, func(r *http.Request) { theirs = r }).RoundTrip(g.request(t)); err != nil {
				t.Fatal(err)
			}
			ts, _ := strconv.ParseInt(authParams(t, theirs)["oauth_timestamp"], 10, 64)
			g.signer.Now = func() time.Time { return time.Unix(ts, 0) }
			r := g.request(t)
			if err := g.signer.Sign(r); err != nil {
				t.Fatal(err)
			}
			if authParams(t, r)["oauth_signature"] == authParams(t, theirs)["oauth_signature"] {
				t.Errorf("same signature: the difference is gone")
			}
		})
	}
}
