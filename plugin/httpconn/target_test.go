package httpconn

import (
	"strings"
	"testing"

	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

func TestResolve(t *testing.T) {
	const remote = "https://api.example.com"
	const local = "http://127.0.0.1:8080"
	tests := []struct {
		name     string
		base     string // "" is remote
		raw      string
		query    []shared.Param
		want     string
		unsigned bool
	}{
		{name: "bare path goes through the prefix hook", raw: "items", want: remote + "/v2/items"},
		{name: "rooted path goes through the prefix hook", raw: "/items", want: remote + "/v2/items"},
		{name: "path the hook keeps", raw: "/v1/items", want: remote + "/v1/items"},
		{name: "query in the path kept", raw: "items?count=1", want: remote + "/v2/items?count=1"},
		{name: "query params appended in order", raw: "items?a=1", query: params("b", "2", "a", "3", "b", "1"),
			want: remote + "/v2/items?a=1&b=2&a=3&b=1"},
		{name: "query values encoded", raw: "items", query: params("q", "a b&c=d", "e", "!*'()", "end", ""),
			want: remote + "/v2/items?q=a+b%26c%3Dd&e=%21%2A%27%28%29&end="},
		{name: "escapes kept", raw: "items/a%2Fb", want: remote + "/v2/items/a%2Fb"},
		{name: "base with a path prefix", base: "https://proxy.example/api/", raw: "items", want: "https://proxy.example/api/v2/items"},
		{name: "loopback base", base: local, raw: "items", want: local + "/v2/items"},
		{name: "absolute URL to the API host", raw: remote + "/v1/items", want: remote + "/v1/items"},
		{name: "absolute URL, other case and port", raw: "HTTPS://API.example.com:443/v1/items", want: "https://api.example.com:443/v1/items"},
		{name: "absolute URL is not prefixed", raw: remote + "/items", want: remote + "/items"},
		{name: "profile host is unsigned", raw: "https://files.example/r/1.gz", want: "https://files.example/r/1.gz", unsigned: true},
		{name: "profile host with query params", raw: "https://files.example/f", query: params("a", "b"),
			want: "https://files.example/f?a=b", unsigned: true},
		{name: "loopback profile host", base: local, raw: "http://127.0.0.1:9090/f.gz", want: "http://127.0.0.1:9090/f.gz", unsigned: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := tt.base
			if base == "" {
				base = remote
			}
			o, d := Prepare(testConn(t, base), shared.Request{URL: tt.raw, Query: tt.query})
			if d != nil {
				t.Fatalf("refused: %s", d.Error())
			}
			if o.URL().String() != tt.want || o.Signed() == tt.unsigned {
				t.Errorf("got %s signed=%v, want %s signed=%v", o.URL(), o.Signed(), tt.want, !tt.unsigned)
			}
		})
	}
}

func TestPrepareRefuses(t *testing.T) {
	big := make([]byte, shared.MaxRequestBody+1)
	tests := []struct {
		name string
		base string
		req  shared.Request
		code string
	}{
		{"empty URL", "", shared.Request{}, CodeInvalidURL},
		{"foreign host", "", shared.Request{URL: "https://evil.example/v2/items"}, CodeHostNotAllowed},
		{"look-alike profile host", "", shared.Request{URL: "https://files.example.evil.example/x"}, CodeHostNotAllowed},
		{"API host on another port", "", shared.Request{URL: "https://api.example.com:8443/v2/items"}, CodeHostNotAllowed},
		{"API host over http", "", shared.Request{URL: "http://api.example.com/v2/items"}, CodeInsecureURL},
		{"profile host over http", "", shared.Request{URL: "http://files.example/x"}, CodeInsecureURL},
		{"loopback when the base is remote", "", shared.Request{URL: "http://127.0.0.1:9/x"}, CodeHostNotAllowed},
		{"remote https when the base is loopback", "http://127.0.0.1:9", shared.Request{URL: "https://evil.example/x"}, CodeHostNotAllowed},
		{"ftp", "", shared.Request{URL: "ftp://api.example.com/v2/items"}, CodeSchemeNotAllowed},
		{"file", "", shared.Request{URL: "file:///etc/passwd"}, CodeSchemeNotAllowed},
		{"javascript", "", shared.Request{URL: "javascript:alert(1)"}, CodeSchemeNotAllowed},
		{"scheme-relative", "", shared.Request{URL: "//evil.example/v2/items"}, CodeInvalidURL},
		{"user info", "", shared.Request{URL: "https://user:pw@api.example.com/v2/items"}, CodeInvalidURL},
		{"fragment", "", shared.Request{URL: "items#x"}, CodeInvalidURL},
		{"space", "", shared.Request{URL: "items?q=a b"}, CodeInvalidURL},
		{"dot dot", "", shared.Request{URL: "/v2/items/../../admin"}, CodeDotSegment},
		{"encoded dot dot", "", shared.Request{URL: "/v2/items/%2e%2E/x"}, CodeDotSegment},
		{"dot", "", shared.Request{URL: "./items"}, CodeDotSegment},
		{"dot dot in an absolute URL", "", shared.Request{URL: "https://api.example.com/v2/../x"}, CodeDotSegment},
		{"CR LF in the path", "", shared.Request{URL: "items\r\nX-Injected: 1"}, CodeControlCharacter},
		{"LF in a header value", "", shared.Request{URL: "items", Header: headers("X-A", "a\nb")}, CodeControlCharacter},
		{"CR in a header name", "", shared.Request{URL: "items", Header: headers("X-A\r", "a")}, CodeControlCharacter},
		{"SOH in a header value", "", shared.Request{URL: "items", Header: headers("X-A", "a\x01b")}, CodeControlCharacter},
		{"NUL in a header value", "", shared.Request{URL: "items", Header: headers("X-A", "a\x00")}, CodeControlCharacter},
		{"ESC in a header value", "", shared.Request{URL: "items", Header: headers("X-A", "\x1b[31m")}, CodeControlCharacter},
		{"DEL in a header value", "", shared.Request{URL: "items", Header: headers("X-A", "a\x7f")}, CodeControlCharacter},
		{"bad header name", "", shared.Request{URL: "items", Header: headers("X A", "a")}, CodeInvalidHeader},
		{"Authorization header", "", shared.Request{URL: "items", Header: headers("authorization", "HMAC x")}, CodeHeaderNotAllowed},
		{"Host header", "", shared.Request{URL: "items", Header: headers("Host", "evil.example")}, CodeHeaderNotAllowed},
		{"Transfer-Encoding header", "", shared.Request{URL: "items", Header: headers("Transfer-Encoding", "chunked")}, CodeHeaderNotAllowed},
		{"unknown method", "", shared.Request{Method: "PATCH", URL: "items"}, CodeMethodNotAllowed},
		{"method with a space", "", shared.Request{Method: "GET /x", URL: "items"}, CodeMethodNotAllowed},
		{"POST to an unsigned profile host", "", shared.Request{Method: "POST", URL: "https://files.example/x"}, CodeMethodNotAllowed},
		{"body on a GET", "", shared.Request{URL: "items", Body: []byte("x")}, CodeBodyNotAllowed},
		{"body over the limit", "", shared.Request{Method: "POST", URL: "items", Body: big}, shared.CodeBodyTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := tt.base
			if base == "" {
				base = "https://api.example.com"
			}
			o, d := Prepare(testConn(t, base), tt.req)
			if d == nil {
				t.Fatalf("not refused: %s %s", o.Method(), o.URL())
			}
			if d.Code != tt.code || d.Severity != schema.SeverityError || d.Summary == "" || d.Detail == "" {
				t.Errorf("got %+v, want code %s with a summary and a detail", *d, tt.code)
			}
		})
	}
}

// TestHostRefusalNamesTheAllowedHosts: the refusal of a foreign host says
// which hosts the connection may reach.
func TestHostRefusalNamesTheAllowedHosts(t *testing.T) {
	_, d := Prepare(testConn(t, "https://api.example.com"), shared.Request{URL: "https://evil.example/x"})
	if d == nil || !strings.Contains(d.Detail, "(api.example.com)") || !strings.Contains(d.Detail, "file host (files.example)") ||
		!strings.Contains(d.Summary, "evil.example") {
		t.Errorf("refusal %v", d)
	}
}

// TestHeaderValueRefusalNamesThePlaceNotTheValue: a header value may be a
// credential, so the refusal names the header, the byte and its place,
// never the value; a tab is a legal part of a value.
func TestHeaderValueRefusalNamesThePlaceNotTheValue(t *testing.T) {
	c := testConn(t, "https://api.example.com")
	_, d := Prepare(c, shared.Request{URL: "items", Header: headers("X-Api-Key", "s3cr3t\x01tail")})
	if d == nil {
		t.Fatal("not refused")
	}
	if msg := d.Error(); !strings.Contains(msg, `"X-Api-Key"`) || !strings.Contains(msg, "0x01") || !strings.Contains(msg, "byte 7") ||
		strings.Contains(msg, "s3cr3t") || strings.Contains(msg, "tail") {
		t.Errorf("message: %s", msg)
	}
	o, d := Prepare(c, shared.Request{URL: "items", Header: headers("X-A", "a\tb")})
	if d != nil || o.Header().Get("X-A") != "a\tb" {
		t.Errorf("a tab in a value: %v", d)
	}
}

func TestPrepareDefaults(t *testing.T) {
	c := testConn(t, "https://api.example.com")
	o, d := Prepare(c, shared.Request{Method: "post", URL: "items", Header: headers("x-a", "1", "X-A", "2")})
	if d != nil {
		t.Fatal(d.Error())
	}
	if o.Method() != "POST" || o.Timeout() != DefaultTimeout || o.MaxWait() != DefaultMaxWait || o.MaxAttempts() != DefaultMaxAttempts {
		t.Errorf("got %s %s %s %d", o.Method(), o.Timeout(), o.MaxWait(), o.MaxAttempts())
	}
	if got := strings.Join(o.Header()["X-A"], ","); got != "1,2" || o.Header().Get("User-Agent") != "engine-test/1" {
		t.Errorf("headers %v", o.Header())
	}
	if !o.Signed() {
		t.Error("API request not signed")
	}
	o, _ = Prepare(c, shared.Request{URL: "items", Header: headers("User-Agent", "mine/2")})
	if got := o.Header()["User-Agent"]; len(got) != 1 || got[0] != "mine/2" {
		t.Errorf("User-Agent %v", got)
	}
}

func TestCheckBase(t *testing.T) {
	tests := []struct {
		raw   string
		codes string
	}{
		{"https://api.example.com/v2/", ""},
		{"http://127.0.0.1:8080", ""},
		{"http://[::1]:9/x", ""},
		{"http://localhost", ""},
		{"http://api.example.com", CodeInsecureBaseURI},
		{"https://api.example.com?x=1", CodeBaseURIExtra},
		{"https://api.example.com#top", CodeBaseURIExtra},
		{"https://user:pw@api.example.com", CodeBaseURIExtra},
		{"https://api.example.com/a/%2e%2e/b", CodeBaseURIDotSegment},
		{"http://api.example.com/../x?y", CodeInsecureBaseURI + " " + CodeBaseURIExtra + " " + CodeBaseURIDotSegment},
	}
	for _, tt := range tests {
		ds := CheckBase("base", tt.raw)
		if got := strings.Join(codes(ds), " "); got != tt.codes {
			t.Errorf("%s: %s, want %q", tt.raw, got, tt.codes)
		}
		for _, d := range ds {
			if d.Field != "base" || strings.Contains(d.Error(), "pw") {
				t.Errorf("%s: %+v", tt.raw, d)
			}
		}
	}
}
