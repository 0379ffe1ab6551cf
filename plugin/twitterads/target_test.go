package twitterads

import (
	"strings"
	"testing"

	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

func mustSettings(t *testing.T, kv ...string) settings {
	t.Helper()
	s, ds := parseSettings(set(goodConfig(), kv...))
	if ds.HasError() {
		t.Fatalf("settings: %v", ds)
	}
	return s
}

func TestResolve(t *testing.T) {
	const sim = "http://127.0.0.1:8080"
	tests := []struct {
		name     string
		base     string // "" is the default, https://ads-api.x.com
		version  string
		raw      string
		query    []shared.Param
		want     string
		unsigned bool
	}{
		{name: "bare path gets the version", raw: "accounts", want: "https://ads-api.x.com/12/accounts"},
		{name: "rooted path gets the version", raw: "/accounts", want: "https://ads-api.x.com/12/accounts"},
		{name: "versioned path as given", raw: "/12/accounts", want: "https://ads-api.x.com/12/accounts"},
		{name: "another version kept", raw: "/11/accounts/abc", want: "https://ads-api.x.com/11/accounts/abc"},
		{name: "versioned without slash", raw: "12/accounts", want: "https://ads-api.x.com/12/accounts"},
		{name: "configured version", version: "11", raw: "accounts", want: "https://ads-api.x.com/11/accounts"},
		{name: "empty version means the default", version: "empty", raw: "accounts", want: "https://ads-api.x.com/12/accounts"},
		{name: "empty base means the default", base: "empty", raw: "accounts", want: "https://ads-api.x.com/12/accounts"},
		{name: "segment starting with digits is not a version", raw: "12abc/x", want: "https://ads-api.x.com/12/12abc/x"},
		{name: "stats path", raw: "stats/jobs/accounts/18ce54d4x5t", want: "https://ads-api.x.com/12/stats/jobs/accounts/18ce54d4x5t"},
		{name: "query in the path kept", raw: "accounts?count=1", want: "https://ads-api.x.com/12/accounts?count=1"},
		{name: "query params appended in order", raw: "accounts?a=1",
			query: params("b", "2", "a", "3", "b", "1"),
			want:  "https://ads-api.x.com/12/accounts?a=1&b=2&a=3&b=1"},
		{name: "query values encoded", raw: "accounts",
			query: params("q", "a b&c=d", "e", "!*'()", "end_time", ""),
			want:  "https://ads-api.x.com/12/accounts?q=a+b%26c%3Dd&e=%21%2A%27%28%29&end_time="},
		{name: "escapes kept", raw: "accounts/a%2Fb", want: "https://ads-api.x.com/12/accounts/a%2Fb"},
		{name: "base with a path prefix", base: "https://proxy.example/ads/", raw: "accounts", want: "https://proxy.example/ads/12/accounts"},
		{name: "sandbox", base: "https://ads-api-sandbox.x.com", raw: "/accounts", want: "https://ads-api-sandbox.x.com/12/accounts"},
		{name: "loopback simulator", base: sim, raw: "accounts", want: sim + "/12/accounts"},
		{name: "absolute URL to the API host", raw: "https://ads-api.x.com/12/accounts", want: "https://ads-api.x.com/12/accounts"},
		{name: "absolute URL to the API host, other case and port", raw: "HTTPS://Ads-API.x.com:443/12/accounts", want: "https://ads-api.x.com:443/12/accounts"},
		{name: "absolute URL is not versioned", raw: "https://ads-api.x.com/accounts", want: "https://ads-api.x.com/accounts"},
		{name: "download host unsigned", raw: "https://ton.twimg.com/advertiser-api-async-analytics/x.json.gz",
			want: "https://ton.twimg.com/advertiser-api-async-analytics/x.json.gz", unsigned: true},
		{name: "download host with query params", raw: "https://ton.twimg.com/f.gz", query: params("a", "b"),
			want: "https://ton.twimg.com/f.gz?a=b", unsigned: true},
		{name: "simulator download host", base: sim, raw: "http://127.0.0.1:9090/files/x.json.gz",
			want: "http://127.0.0.1:9090/files/x.json.gz", unsigned: true},
		{name: "simulator API host by absolute URL", base: sim, raw: sim + "/12/accounts", want: sim + "/12/accounts"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kv := []string{}
			for _, f := range []struct{ key, v string }{{KeyBaseURI, tt.base}, {KeyAPIVersion, tt.version}} {
				switch f.v {
				case "":
				case "empty":
					kv = append(kv, f.key, "")
				default:
					kv = append(kv, f.key, f.v)
				}
			}
			s := mustSettings(t, kv...)
			got, d := s.resolve(tt.raw, tt.query)
			if d != nil {
				t.Fatalf("refused: %s", d.Error())
			}
			if got.url.String() != tt.want || got.signed == tt.unsigned {
				t.Errorf("got %s signed=%v, want %s signed=%v", got.url, got.signed, tt.want, !tt.unsigned)
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
		{"foreign host", "", shared.Request{URL: "https://api.x.com/2/tweets"}, CodeHostNotAllowed},
		{"look-alike download host", "", shared.Request{URL: "https://ton.twimg.com.evil.example/x"}, CodeHostNotAllowed},
		{"download host on another port", "", shared.Request{URL: "https://ton.twimg.com:8443/x"}, CodeHostNotAllowed},
		{"API host on another port", "", shared.Request{URL: "https://ads-api.x.com:8443/12/accounts"}, CodeHostNotAllowed},
		{"API host over http", "", shared.Request{URL: "http://ads-api.x.com/12/accounts"}, CodeInsecureURL},
		{"download host over http", "", shared.Request{URL: "http://ton.twimg.com/x"}, CodeInsecureURL},
		{"loopback when the base is remote", "", shared.Request{URL: "http://127.0.0.1:9/x"}, CodeHostNotAllowed},
		{"remote https when the base is loopback", "http://127.0.0.1:9", shared.Request{URL: "https://evil.example/x"}, CodeHostNotAllowed},
		{"ftp", "", shared.Request{URL: "ftp://ads-api.x.com/12/accounts"}, CodeSchemeNotAllowed},
		{"file", "", shared.Request{URL: "file:///etc/passwd"}, CodeSchemeNotAllowed},
		{"javascript", "", shared.Request{URL: "javascript:alert(1)"}, CodeSchemeNotAllowed},
		{"scheme-relative", "", shared.Request{URL: "//evil.example/12/accounts"}, CodeInvalidURL},
		{"user info", "", shared.Request{URL: "https://user:pw@ads-api.x.com/12/accounts"}, CodeInvalidURL},
		{"fragment", "", shared.Request{URL: "accounts#x"}, CodeInvalidURL},
		{"space", "", shared.Request{URL: "accounts?q=a b"}, CodeInvalidURL},
		{"dot dot", "", shared.Request{URL: "/12/accounts/../../admin"}, CodeDotSegment},
		{"encoded dot dot", "", shared.Request{URL: "/12/accounts/%2e%2E/x"}, CodeDotSegment},
		{"dot", "", shared.Request{URL: "./accounts"}, CodeDotSegment},
		{"dot dot in an absolute URL", "", shared.Request{URL: "https://ads-api.x.com/12/../x"}, CodeDotSegment},
		{"CR LF in the path", "", shared.Request{URL: "accounts\r\nX-Injected: 1"}, CodeControlCharacter},
		{"LF in a header value", "", shared.Request{URL: "accounts", Header: headers("X-A", "a\nb")}, CodeControlCharacter},
		{"CR in a header name", "", shared.Request{URL: "accounts", Header: headers("X-A\r", "a")}, CodeControlCharacter},
		{"SOH in a header value", "", shared.Request{URL: "accounts", Header: headers("X-A", "a\x01b")}, CodeControlCharacter},
		{"NUL in a header value", "", shared.Request{URL: "accounts", Header: headers("X-A", "a\x00")}, CodeControlCharacter},
		{"ESC in a header value", "", shared.Request{URL: "accounts", Header: headers("X-A", "\x1b[31m")}, CodeControlCharacter},
		{"DEL in a header value", "", shared.Request{URL: "accounts", Header: headers("X-A", "a\x7f")}, CodeControlCharacter},
		{"bad header name", "", shared.Request{URL: "accounts", Header: headers("X A", "a")}, CodeInvalidHeader},
		{"Authorization header", "", shared.Request{URL: "accounts", Header: headers("authorization", "OAuth x")}, CodeHeaderNotAllowed},
		{"Host header", "", shared.Request{URL: "accounts", Header: headers("Host", "evil.example")}, CodeHeaderNotAllowed},
		{"Transfer-Encoding header", "", shared.Request{URL: "accounts", Header: headers("Transfer-Encoding", "chunked")}, CodeHeaderNotAllowed},
		{"unknown method", "", shared.Request{Method: "PATCH", URL: "accounts"}, CodeMethodNotAllowed},
		{"method with a space", "", shared.Request{Method: "GET /x", URL: "accounts"}, CodeMethodNotAllowed},
		{"POST to the download host", "", shared.Request{Method: "POST", URL: "https://ton.twimg.com/x"}, CodeMethodNotAllowed},
		{"body on a GET", "", shared.Request{URL: "accounts", Body: []byte("x")}, CodeBodyNotAllowed},
		{"body over the limit", "", shared.Request{Method: "POST", URL: "accounts", Body: big}, shared.CodeBodyTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var kv []string
			if tt.base != "" {
				kv = []string{KeyBaseURI, tt.base}
			}
			s := mustSettings(t, kv...)
			o, d := s.prepare(tt.req, "test")
			if d == nil {
				t.Fatalf("not refused: %s %s", o.method, o.url)
			}
			if d.Code != tt.code || d.Severity != schema.SeverityError || d.Summary == "" || d.Detail == "" {
				t.Errorf("got %+v, want code %s with a summary and a detail", *d, tt.code)
			}
		})
	}
}

// TestHeaderValueRefusalNamesThePlaceNotTheValue: a header value may be a
// credential, so the refusal names the header, the byte and its place,
// never the value; a tab is a legal part of a value.
func TestHeaderValueRefusalNamesThePlaceNotTheValue(t *testing.T) {
	s := mustSettings(t)
	_, d := s.prepare(shared.Request{URL: "accounts", Header: headers("X-Api-Key", "s3cr3t\x01tail")}, "test")
	if d == nil {
		t.Fatal("not refused")
	}
	if msg := d.Error(); !strings.Contains(msg, `"X-Api-Key"`) || !strings.Contains(msg, "0x01") || !strings.Contains(msg, "byte 7") ||
		strings.Contains(msg, "s3cr3t") || strings.Contains(msg, "tail") {
		t.Errorf("message: %s", msg)
	}
	o, d := s.prepare(shared.Request{URL: "accounts", Header: headers("X-A", "a\tb")}, "test")
	if d != nil || o.header.Get("X-A") != "a\tb" {
		t.Errorf("a tab in a value: %v", d)
	}
}

func TestPrepareDefaults(t *testing.T) {
	s := mustSettings(t)
	o, d := s.prepare(shared.Request{Method: "post", URL: "accounts", Header: headers("x-a", "1", "X-A", "2")}, "ua/1")
	if d != nil {
		t.Fatal(d.Error())
	}
	if o.method != "POST" || o.timeout != DefaultTimeout || o.maxWait != DefaultMaxWait || o.maxAttempts != DefaultMaxAttempts {
		t.Errorf("got %s %s %s %d", o.method, o.timeout, o.maxWait, o.maxAttempts)
	}
	if got := strings.Join(o.header["X-A"], ","); got != "1,2" || o.header.Get("User-Agent") != "ua/1" {
		t.Errorf("headers %v", o.header)
	}
	if o.signer == nil {
		t.Error("API request not signed")
	}
}
