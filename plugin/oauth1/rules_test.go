package oauth1

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"io"
	"net/http"
	"strings"
	"testing"
)

// The rules of RFC 5849 §3.4 to §3.6, one table case each, including
// cases no published vector covers.

// testSigner returns a Signer with fixed nonce and time, whose protocol
// parameters normalize to oauthBlock.
func testSigner() *Signer {
	s := &Signer{ConsumerKey: "ck", ConsumerSecret: "cs", Token: "tok", TokenSecret: "ts"}
	s.Nonce, s.Now = fixed("n0nce", 1700000000)
	return s
}

const oauthBlock = "oauth_consumer_key=ck&oauth_nonce=n0nce&oauth_signature_method=HMAC-SHA1&oauth_timestamp=1700000000&oauth_token=tok&oauth_version=1.0"

// wantBaseString builds the base string from its readable parts: the
// normalized parameters are written encoded once, with {oauth} standing
// for oauthBlock.
func wantBaseString(method, uri, normalized string) string {
	normalized = strings.ReplaceAll(normalized, "{oauth}", oauthBlock)
	return method + "&" + string(appendEncoded(nil, uri)) + "&" + string(appendEncoded(nil, normalized))
}

type ruleCase struct {
	name                string
	method, url         string
	contentType, body   string
	host                string // overrides r.Host
	signer              func(*Signer)
	wantURI, wantParams string
}

var ruleCases = []ruleCase{
	// Percent-encoding (RFC 5849 §3.6).
	{name: "unreserved kept, !*'() encoded", url: "https://h.example/p?q=-._~!*'()",
		wantURI: "https://h.example/p", wantParams: "{oauth}&q=-._~%21%2A%27%28%29"},
	{name: "space, slash, equals, ampersand in a value", url: "https://h.example/p?q=a%20b%2Fc%3Dd%26e",
		wantURI: "https://h.example/p", wantParams: "{oauth}&q=a%20b%2Fc%3Dd%26e"},
	{name: "lower-case escapes re-encoded upper-case", url: "https://h.example/p?q=%2b%2c%7e",
		wantURI: "https://h.example/p", wantParams: "{oauth}&q=%2B%2C~"},
	{name: "unicode escaped and raw", url: "https://h.example/p?q=%E2%98%83&r=☃",
		wantURI: "https://h.example/p", wantParams: "{oauth}&q=%E2%98%83&r=%E2%98%83"},
	// The query is form data.
	{name: "plus is a space, %2B a plus", url: "https://h.example/p?a=1+2&b=1%2B2",
		wantURI: "https://h.example/p", wantParams: "a=1%202&b=1%2B2&{oauth}"},
	{name: "empty values kept as key=", url: "https://h.example/p?a=&b&c=",
		wantURI: "https://h.example/p", wantParams: "a=&b=&c=&{oauth}"},
	{name: "empty parts skipped", url: "https://h.example/p?&a=1&&b=2&",
		wantURI: "https://h.example/p", wantParams: "a=1&b=2&{oauth}"},
	{name: "duplicate keys all kept, ordered by value", url: "https://h.example/p?z=2&z=10&z=1&z=2",
		wantURI: "https://h.example/p", wantParams: "{oauth}&z=1&z=10&z=2&z=2"},
	{name: "sorted by encoded key in byte order", url: "https://h.example/p?a=1&B=2&_=3&%E2%98%83=s&0=z",
		wantURI: "https://h.example/p", wantParams: "%E2%98%83=s&0=z&B=2&_=3&a=1&{oauth}"},
	{name: "a key sorts before its extensions", url: "https://h.example/p?a2=x&a=y&a1=z",
		wantURI: "https://h.example/p", wantParams: "a=y&a1=z&a2=x&{oauth}"},
	{name: "keys sharing a long prefix", url: "https://h.example/p?metric_groups_b=1&metric_groups_a=2&metric_groups=3",
		wantURI: "https://h.example/p", wantParams: "metric_groups=3&metric_groups_a=2&metric_groups_b=1&{oauth}"},
	{name: "semicolon is an ordinary character", url: "https://h.example/p?a=1;b=2",
		wantURI: "https://h.example/p", wantParams: "a=1%3Bb%3D2&{oauth}"},
	{name: "oauth_signature in the query is never signed", url: "https://h.example/p?oauth_signature=x&a=1",
		wantURI: "https://h.example/p", wantParams: "a=1&{oauth}"},
	{name: "realm in the query is an ordinary parameter", url: "https://h.example/p?realm=r",
		wantURI: "https://h.example/p", wantParams: "{oauth}&realm=r"},
	// Bodies.
	{name: "form body signed", method: "POST", url: "https://h.example/p",
		contentType: "application/x-www-form-urlencoded", body: "b=2+3&a=%21",
		wantURI: "https://h.example/p", wantParams: "a=%21&b=2%203&{oauth}"},
	{name: "form body with charset, media type in any case", method: "POST", url: "https://h.example/p",
		contentType: "Application/X-WWW-Form-URLEncoded ; charset=UTF-8", body: "b=2",
		wantURI: "https://h.example/p", wantParams: "b=2&{oauth}"},
	{name: "same key in query and body: both signed", method: "POST", url: "https://h.example/p?a=1",
		contentType: "application/x-www-form-urlencoded", body: "a=1&a=0",
		wantURI: "https://h.example/p", wantParams: "a=0&a=1&a=1&{oauth}"},
	{name: "JSON body not signed", method: "POST", url: "https://h.example/p",
		contentType: "application/json", body: `{"a":"b=c"}`,
		wantURI: "https://h.example/p", wantParams: "{oauth}"},
	{name: "form-looking body without Content-Type not signed", method: "POST", url: "https://h.example/p", body: "a=b",
		wantURI: "https://h.example/p", wantParams: "{oauth}"},
	{name: "multipart body not signed", method: "POST", url: "https://h.example/p",
		contentType: "multipart/form-data; boundary=x", body: "--x--",
		wantURI: "https://h.example/p", wantParams: "{oauth}"},
	// Base string URI.
	{name: "non-default port kept", url: "https://h.example:8443/p",
		wantURI: "https://h.example:8443/p", wantParams: "{oauth}"},
	{name: "default port 443 dropped for https", url: "https://h.example:443/p",
		wantURI: "https://h.example/p", wantParams: "{oauth}"},
	{name: "default port 80 dropped for http", url: "http://h.example:80/p",
		wantURI: "http://h.example/p", wantParams: "{oauth}"},
	{name: "443 kept for http", url: "http://h.example:443/p",
		wantURI: "http://h.example:443/p", wantParams: "{oauth}"},
	{name: "upper-case scheme and host lower-cased, path kept", url: "HTTPS://H.Example/Path/X",
		wantURI: "https://h.example/Path/X", wantParams: "{oauth}"},
	{name: "escaped path kept escaped", url: "https://h.example/a%20b/c%2Fd/%7Ee",
		wantURI: "https://h.example/a%20b/c%2Fd/%7Ee", wantParams: "{oauth}"},
	{name: "empty path is /", url: "https://h.example?q=1",
		wantURI: "https://h.example/", wantParams: "{oauth}&q=1"},
	{name: "fragment not signed", url: "https://h.example/p?q=1#frag",
		wantURI: "https://h.example/p", wantParams: "{oauth}&q=1"},
	{name: "IPv6 host, default port dropped", url: "https://[2001:DB8::1]:443/p",
		wantURI: "https://[2001:db8::1]/p", wantParams: "{oauth}"},
	{name: "IPv6 host, other port kept", url: "http://[::1]:8080/p",
		wantURI: "http://[::1]:8080/p", wantParams: "{oauth}"},
	{name: "IPv6 zone not sent, not signed", url: "http://[fe80::1%25en0]:8080/p",
		wantURI: "http://[fe80::1]:8080/p", wantParams: "{oauth}"},
	{name: "r.Host is the Host header sent", url: "https://h.example/p", host: "other.example:8443",
		wantURI: "https://other.example:8443/p", wantParams: "{oauth}"},
	{name: "method upper-cased", method: "patch", url: "https://h.example/p",
		wantURI: "https://h.example/p", wantParams: "{oauth}"},
	// Protocol parameters.
	{name: "no token: oauth_token omitted", url: "https://h.example/p",
		signer:  func(s *Signer) { s.Token = "" },
		wantURI: "https://h.example/p", wantParams: strings.Replace("{oauth}", "{oauth}", "oauth_consumer_key=ck&oauth_nonce=n0nce&oauth_signature_method=HMAC-SHA1&oauth_timestamp=1700000000&oauth_version=1.0", 1)},
	{name: "realm not signed", url: "https://h.example/p",
		signer:  func(s *Signer) { s.Realm = `Ads "API"` },
		wantURI: "https://h.example/p", wantParams: "{oauth}"},
	{name: "encoded protocol values", url: "https://h.example/p",
		signer:  func(s *Signer) { s.ConsumerKey = "c k+"; s.Token = "t/k"; s.Nonce = func() string { return "n=1" } },
		wantURI: "https://h.example/p", wantParams: "oauth_consumer_key=c%20k%2B&oauth_nonce=n%3D1&oauth_signature_method=HMAC-SHA1&oauth_timestamp=1700000000&oauth_token=t%2Fk&oauth_version=1.0"},
	{name: "callback and verifier", url: "https://h.example/p",
		signer:  func(s *Signer) { s.Callback = "oob"; s.Verifier = "v1" },
		wantURI: "https://h.example/p", wantParams: "oauth_callback=oob&oauth_consumer_key=ck&oauth_nonce=n0nce&oauth_signature_method=HMAC-SHA1&oauth_timestamp=1700000000&oauth_token=tok&oauth_verifier=v1&oauth_version=1.0"},
	{name: "body hash of a JSON body", method: "POST", url: "https://h.example/p", contentType: "application/json", body: "Hello World!",
		signer:  func(s *Signer) { s.BodyHash = true },
		wantURI: "https://h.example/p", wantParams: "oauth_body_hash=Lve95gjOVATpfV8EL5X4nxwjKHE%3D&{oauth}"},
	{name: "body hash without a body hashes the empty string", url: "https://h.example/p",
		signer:  func(s *Signer) { s.BodyHash = true },
		wantURI: "https://h.example/p", wantParams: "oauth_body_hash=2jmj7l5rSw0yVb%2FvlWAYkK%2FYBwk%3D&{oauth}"},
	{name: "no body hash for a form body", method: "POST", url: "https://h.example/p",
		contentType: "application/x-www-form-urlencoded", body: "a=1",
		signer:  func(s *Signer) { s.BodyHash = true },
		wantURI: "https://h.example/p", wantParams: "a=1&{oauth}"},
}

func TestSignRules(t *testing.T) {
	for _, c := range ruleCases {
		t.Run(c.name, func(t *testing.T) {
			method := c.method
			if method == "" {
				method = "GET"
			}
			var body io.Reader
			if c.body != "" {
				body = strings.NewReader(c.body)
			}
			r, err := http.NewRequest(method, c.url, body)
			if err != nil {
				t.Fatal(err)
			}
			if c.contentType != "" {
				r.Header.Set("Content-Type", c.contentType)
			}
			if c.host != "" {
				r.Host = c.host
			}
			s := testSigner()
			if c.signer != nil {
				c.signer(s)
			}
			if err := s.Sign(r); err != nil {
				t.Fatalf("Sign: %v", err)
			}
			want := wantBaseString(strings.ToUpper(method), c.wantURI, c.wantParams)
			got, err := BaseString(r)
			if err != nil {
				t.Fatalf("BaseString: %v", err)
			}
			if got != want {
				t.Errorf("base string:\n got %s\nwant %s", got, want)
			}
			// The signature is the HMAC of exactly that string.
			mac := hmac.New(sha1.New, appendKey(nil, s.ConsumerSecret, s.TokenSecret))
			mac.Write([]byte(want))
			if sig := authParams(t, r)["oauth_signature"]; sig != base64.StdEncoding.EncodeToString(mac.Sum(nil)) {
				t.Errorf("signature %s is not the HMAC-SHA1 of the base string", sig)
			}
			if c.body != "" {
				if got := readAll(t, r.Body); got != c.body {
					t.Errorf("body after Sign = %q, want %q", got, c.body)
				}
			}
		})
	}
}
