package httpconn

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// fuzzBases are the base URIs FuzzPrepare picks from: remote ones, one
// with a path prefix, and loopback ones.
var fuzzBases = []string{
	"https://api.example.com",
	"https://api-sandbox.example.com",
	"https://proxy.example:8443/api/",
	"http://127.0.0.1:8080",
	"http://[::1]:9000/sim",
	"http://localhost",
}

// FuzzPrepare feeds the engine's request checks (method, path or URL,
// query, headers, body) arbitrary input and checks what they promise
// before a byte leaves. A refused request gets an error diagnostic with a
// code. An accepted one:
//   - is signed only for the connection's own origin (scheme, host and
//     port of the base URI), and sent unsigned only to a host the profile
//     allows; the URL as sent, parsed again, names that same host;
//   - has no "." or ".." path segment, and a relative path lands under the
//     base URI's path, through the prefix hook;
//   - carries the query parameters, encoded, in order, at the end;
//   - carries none of the headers the engine owns, no control character
//     in a header, and a User-Agent;
//   - can be built into an *http.Request for that same host.
func FuzzPrepare(f *testing.F) {
	f.Add(uint8(0), "GET", "items", "count", "5", "Accept", "application/json", []byte(nil))
	f.Add(uint8(0), "post", "/v2/items/abc/parts?x=1", "name", "a b&c", "Content-Type", "application/x-www-form-urlencoded", []byte("a=1"))
	f.Add(uint8(1), "GET", "https://api-sandbox.example.com:443/v1/items", "", "", "", "", []byte(nil))
	f.Add(uint8(0), "GET", "https://files.example/r/x.json.gz", "a", "b", "", "", []byte(nil))
	f.Add(uint8(3), "GET", "http://127.0.0.1:9090/files/x.gz", "", "", "X-Test", "1", []byte(nil))
	f.Add(uint8(2), "DELETE", "items/%2e%2E/x", "", "", "", "", []byte(nil))
	f.Add(uint8(0), "GET", "https://evil.example@api.example.com/v2/items", "", "", "Authorization", "x", []byte(nil))
	f.Add(uint8(4), "PUT", "//api.example.com/v2/x", "k", "v", "Host", "evil", []byte("{}"))
	f.Add(uint8(5), "HEAD", "https://API.example.com.evil.example/v2", "", "", "x\r\ny", "z", []byte(nil))
	f.Add(uint8(0), "GET", "/items/a%2Fb;c?d=%zz#frag", "", "", "User-Agent", "mine", []byte(nil))
	f.Fuzz(func(t *testing.T, baseIdx uint8, method, raw, qk, qv, hname, hvalue string, body []byte) {
		c := testConn(t, fuzzBases[int(baseIdx)%len(fuzzBases)])
		req := shared.Request{Method: method, URL: raw, Body: body}
		if qk != "" || qv != "" {
			req.Query = []shared.Param{{Key: qk, Value: qv}, {Key: "fixed", Value: "1"}}
		}
		if hname != "" {
			req.Header = []shared.Header{{Name: hname, Value: hvalue}}
		}
		o, d := Prepare(c, req)
		if d != nil {
			if o != nil || d.Severity != schema.SeverityError || d.Code == "" || d.Summary == "" {
				t.Fatalf("refusal %+v with request %v", d, o)
			}
			return
		}
		sent, err := url.Parse(o.url)
		if err != nil {
			t.Fatalf("the URL as sent does not parse: %q: %v", o.url, err)
		}
		if sent.Host != o.URL().Host || sent.User != nil {
			t.Fatalf("the URL as sent, %q, names host %q (user %v); the checked one was %q", o.url, sent.Host, sent.User, o.URL().Host)
		}
		switch {
		case o.Signed():
			if !SameOrigin(sent, c.Base) {
				t.Fatalf("signed request to %q; the API origin is %s", o.url, c.Base)
			}
		default:
			if !c.Profile.Hosts[0].Allows(sent, c.Base) {
				t.Fatalf("unsigned request to %q is not a host of the profile", o.url)
			}
			if o.Method() != http.MethodGet && o.Method() != http.MethodHead {
				t.Fatalf("%s to an unsigned host", o.Method())
			}
		}
		if HasDotSegment(sent) {
			t.Fatalf("the URL as sent, %q, has a dot segment", o.url)
		}
		if p, err := url.Parse(raw); err == nil && p.Scheme == "" {
			prefix := c.Base.EscapedPath() + "/"
			if !strings.HasPrefix(sent.EscapedPath(), prefix) {
				t.Fatalf("relative %q went to %q, outside %s", raw, o.url, prefix)
			}
			rest := strings.TrimPrefix(sent.EscapedPath(), prefix)
			if versioned(rest) != rest {
				t.Fatalf("relative %q went to %q, around the prefix hook", raw, o.url)
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
