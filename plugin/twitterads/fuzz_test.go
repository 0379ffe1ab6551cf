package twitterads

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/openintegrator/integrator/plugin/httpconn"
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
	s, ds := parseSettings(cfg, newProfile("integrator-fuzz/1"))
	return s, !ds.HasError()
}

// FuzzPrepare feeds DoRequest's request checks (method, path or URL,
// query, headers, body) arbitrary input under the X Ads API's rules
// (plugin/httpconn's own fuzz test checks the engine's promises in full).
// A refused request gets an error diagnostic with a code and no secret in
// it. An accepted one:
//   - is signed only for the connection's own API origin (scheme, host and
//     port of the base URI), and sent unsigned only to a report download
//     host, with GET or HEAD; the URL as sent, parsed again, names that
//     same host;
//   - has no "." or ".." path segment, and a relative path lands under the
//     base URI's path, with the API version in front when it had none.
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
		s, ok := fuzzSettings(fuzzBases[int(baseIdx)%len(fuzzBases)], version)
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
		o, d := httpconn.Prepare(s.conn, req)
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
		base := s.conn.Base
		sent, err := url.Parse(o.URL().String())
		if err != nil || sent.Host != o.URL().Host || sent.User != nil {
			t.Fatalf("the URL as sent, %q, does not parse to its host %q: %v", o.URL(), o.URL().Host, err)
		}
		switch {
		case o.Signed():
			if !httpconn.SameOrigin(sent, base) {
				t.Fatalf("signed request to %q; the API origin is %s", sent, base)
			}
		default:
			if !downloadAllowed(sent, base) {
				t.Fatalf("unsigned request to %q is not a download host", sent)
			}
			if o.Method() != http.MethodGet && o.Method() != http.MethodHead {
				t.Fatalf("%s to the download host", o.Method())
			}
		}
		if httpconn.HasDotSegment(sent) {
			t.Fatalf("the URL as sent, %q, has a dot segment", sent)
		}
		if p, err := url.Parse(raw); err == nil && p.Scheme == "" {
			prefix := base.EscapedPath() + "/"
			if !strings.HasPrefix(sent.EscapedPath(), prefix) {
				t.Fatalf("relative %q went to %q, outside %s", raw, sent, prefix)
			}
			first, _, _ := strings.Cut(strings.TrimPrefix(sent.EscapedPath(), prefix), "/")
			if !allDigits(first) {
				t.Fatalf("relative %q went to %q, without a version", raw, sent)
			}
		}
	})
}
