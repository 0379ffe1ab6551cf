package twitterads

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// fuzzBases are the base URIs FuzzPrepare picks from: the real API, one
// with a path prefix, and loopback simulators.
var fuzzBases = []string{
	DefaultBaseURI,
	"https://ads-api-sandbox.x.com",
	"https://proxy.example:8443/ads/",
	"http://127.0.0.1:8080",
	"http://[::1]:9000/sim",
	"http://localhost",
}

var fuzzSecrets = []string{"fuzzConsumerSecretValue", "12345-fuzzAccessTokenValue", "fuzzTokenSecretValue"}

func fuzzSettings(base, version string) (settings, bool) {
	cfg := schema.Config{
		KeyConsumerKey: schema.StringValue("fuzzConsumerKey"), KeyConsumerSecret: schema.StringValue(fuzzSecrets[0]),
		KeyAccessToken: schema.StringValue(fuzzSecrets[1]), KeyTokenSecret: schema.StringValue(fuzzSecrets[2]),
		KeyBaseURI: schema.StringValue(base),
	}
	// An empty api_version is "not set": validation and the defaults
	// treat it so.
	cfg[KeyAPIVersion] = schema.StringValue(version)
	s, ds := parseSettings(cfg)
	return s, !ds.HasError()
}

// FuzzPrepare feeds DoRequest's request checks (method, path or URL,
// query, headers, body) arbitrary input and checks what they promise
// before a byte leaves. A refused request gets an error diagnostic with a
// code and no secret in it. An accepted one:
//   - is signed only for the connection's own API origin (scheme, host and
//     port of the base URI), and sent unsigned only to a report download
//     host; the URL as sent, parsed again, names that same host;
//   - has no "." or ".." path segment, and a relative path lands under the
//     base URI's path, with the API version in front when it had none;
//   - carries the query parameters, encoded, in order, at the end;
//   - carries none of the headers the connector owns, no control
//     character in a header, and a User-Agent;
//   - can be built into an *http.Request for that same host.
func FuzzPrepare(f *testing.F) {
	f.Add(uint8(0), "12", "GET", "accounts", "count", "5", "Accept", "application/json", []byte(nil))
	f.Add(uint8(0), "12", "post", "/12/accounts/abc/campaigns?x=1", "name", "a b&c", "Content-Type", "application/x-www-form-urlencoded", []byte("a=1"))
	f.Add(uint8(1), "11", "GET", "https://ads-api-sandbox.x.com:443/11/accounts", "", "", "", "", []byte(nil))
	f.Add(uint8(0), "12", "GET", "https://ton.twimg.com/advertiser-api-async-analytics/x.json.gz", "a", "b", "", "", []byte(nil))
	f.Add(uint8(3), "12", "GET", "http://127.0.0.1:9090/files/x.gz", "", "", "X-Test", "1", []byte(nil))
	f.Add(uint8(2), "12", "DELETE", "accounts/%2e%2E/x", "", "", "", "", []byte(nil))
	f.Add(uint8(0), "12", "GET", "https://evil.example@ads-api.x.com/12/accounts", "", "", "Authorization", "x", []byte(nil))
	f.Add(uint8(4), "12", "PUT", "//ads-api.x.com/12/x", "k", "v", "Host", "evil", []byte("{}"))
	f.Add(uint8(5), "9", "HEAD", "https://ADS-API.x.com.evil.example/12", "", "", "x\r\ny", "z", []byte(nil))
	f.Add(uint8(0), "12", "GET", "/accounts/a%2Fb;c?d=%zz#frag", "", "", "User-Agent", "mine", []byte(nil))
	f.Fuzz(func(t *testing.T, baseIdx uint8, version, method, raw, qk, qv, hname, hvalue string, body []byte) {
		base := fuzzBases[int(baseIdx)%len(fuzzBases)]
		s, ok := fuzzSettings(base, version)
		if !ok {
			return // an invalid api_version: validation refuses it before any request
		}
		req := shared.Request{Method: method, URL: raw, Body: body}
		if qk != "" || qv != "" {
			req.Query = []shared.Param{{Key: qk, Value: qv}, {Key: "fixed", Value: "1"}}
		}
		if hname != "" {
			req.Header = []shared.Header{{Name: hname, Value: hvalue}}
		}
		o, d := s.prepare(req, "integrator-fuzz/1")
		if d != nil {
			if o != nil || d.Severity != schema.SeverityError || d.Code == "" || d.Summary == "" {
				t.Fatalf("refusal %+v with request %v", d, o)
			}
			for _, secret := range fuzzSecrets {
				if strings.Contains(d.Summary+d.Detail, secret) {
					t.Fatalf("a refusal quotes a secret: %+v", d)
				}
			}
			return
		}
		baseURL := s.base

		sent, err := url.Parse(o.url)
		if err != nil {
			t.Fatalf("the URL as sent does not parse: %q: %v", o.url, err)
		}
		if sent.Host != o.target.url.Host || sent.User != nil {
			t.Fatalf("the URL as sent, %q, names host %q (user %v); the checked one was %q", o.url, sent.Host, sent.User, o.target.url.Host)
		}
		switch {
		case o.target.signed:
			if o.signer == nil || !sameOrigin(sent, baseURL) {
				t.Fatalf("signed request to %q; the API origin is %s", o.url, baseURL)
			}
		default:
			if o.signer != nil || !downloadAllowed(sent, baseURL) {
				t.Fatalf("unsigned request to %q is not a download host (signer %v)", o.url, o.signer != nil)
			}
			if o.method != http.MethodGet && o.method != http.MethodHead {
				t.Fatalf("%s to the download host", o.method)
			}
		}
		if hasDotSegment(sent) {
			t.Fatalf("the URL as sent, %q, has a dot segment", o.url)
		}
		if p, err := url.Parse(raw); err == nil && p.Scheme == "" {
			prefix := baseURL.EscapedPath() + "/"
			if !strings.HasPrefix(sent.EscapedPath(), prefix) {
				t.Fatalf("relative %q went to %q, outside %s", raw, o.url, prefix)
			}
			first, _, _ := strings.Cut(strings.TrimPrefix(sent.EscapedPath(), prefix), "/")
			if !allDigits(first) {
				t.Fatalf("relative %q went to %q, without a version", raw, o.url)
			}
		}
		if len(req.Query) > 0 {
			tail := "&" + url.QueryEscape(qk) + "=" + url.QueryEscape(qv) + "&fixed=1"
			if q := "&" + sent.RawQuery; !strings.HasSuffix(q, tail) {
				t.Fatalf("the query %q does not end with the parameters %q", sent.RawQuery, tail)
			}
		}

		if !methods[o.method] || (len(o.body) > 0 && (o.method == http.MethodGet || o.method == http.MethodHead)) {
			t.Fatalf("method %q with a %d-byte body", o.method, len(o.body))
		}
		if len(o.header["User-Agent"]) == 0 {
			t.Fatal("no User-Agent")
		}
		for name, values := range o.header {
			if _, owned := headersNotAllowed[http.CanonicalHeaderKey(name)]; owned || !shared.HeaderNameValid(name) {
				t.Fatalf("header %q was let through", name)
			}
			for _, v := range values {
				if strings.ContainsAny(v, "\r\n\x00") {
					t.Fatalf("header %s has a line break: %q", name, v)
				}
			}
		}
		hr, err := http.NewRequest(o.method, o.url, nil)
		if err != nil {
			t.Fatalf("http.NewRequest(%q, %q): %v", o.method, o.url, err)
		}
		if hr.URL.Host != sent.Host {
			t.Fatalf("http.NewRequest sends %q to %q, not %q", o.url, hr.URL.Host, sent.Host)
		}
	})
}
