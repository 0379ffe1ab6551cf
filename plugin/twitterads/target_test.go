package twitterads

import (
	"strings"
	"testing"

	"github.com/openintegrator/integrator/plugin/httpconn"
	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

func mustSettings(t *testing.T, kv ...string) settings {
	t.Helper()
	s, ds := parseSettings(set(goodConfig(), kv...), newProfile("test"))
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
			got, d := httpconn.Prepare(s.conn, shared.Request{URL: tt.raw, Query: tt.query})
			if d != nil {
				t.Fatalf("refused: %s", d.Error())
			}
			if got.URL().String() != tt.want || got.Signed() == tt.unsigned {
				t.Errorf("got %s signed=%v, want %s signed=%v", got.URL(), got.Signed(), tt.want, !tt.unsigned)
			}
		})
	}
}

// TestPrepareRefuses: the X Ads API's host rules, on top of the engine's
// own refusals (plugin/httpconn).
func TestPrepareRefuses(t *testing.T) {
	tests := []struct {
		name string
		base string
		req  shared.Request
		code string
	}{
		{"empty URL", "", shared.Request{}, httpconn.CodeInvalidURL},
		{"foreign host", "", shared.Request{URL: "https://api.x.com/2/tweets"}, httpconn.CodeHostNotAllowed},
		{"look-alike download host", "", shared.Request{URL: "https://ton.twimg.com.evil.example/x"}, httpconn.CodeHostNotAllowed},
		{"download host on another port", "", shared.Request{URL: "https://ton.twimg.com:8443/x"}, httpconn.CodeHostNotAllowed},
		{"API host on another port", "", shared.Request{URL: "https://ads-api.x.com:8443/12/accounts"}, httpconn.CodeHostNotAllowed},
		{"API host over http", "", shared.Request{URL: "http://ads-api.x.com/12/accounts"}, httpconn.CodeInsecureURL},
		{"download host over http", "", shared.Request{URL: "http://ton.twimg.com/x"}, httpconn.CodeInsecureURL},
		{"loopback when the base is remote", "", shared.Request{URL: "http://127.0.0.1:9/x"}, httpconn.CodeHostNotAllowed},
		{"remote https when the base is loopback", "http://127.0.0.1:9", shared.Request{URL: "https://evil.example/x"}, httpconn.CodeHostNotAllowed},
		{"scheme-relative", "", shared.Request{URL: "//evil.example/12/accounts"}, httpconn.CodeInvalidURL},
		{"user info", "", shared.Request{URL: "https://user:pw@ads-api.x.com/12/accounts"}, httpconn.CodeInvalidURL},
		{"dot dot", "", shared.Request{URL: "/12/accounts/../../admin"}, httpconn.CodeDotSegment},
		{"dot dot in an absolute URL", "", shared.Request{URL: "https://ads-api.x.com/12/../x"}, httpconn.CodeDotSegment},
		{"POST to the download host", "", shared.Request{Method: "POST", URL: "https://ton.twimg.com/x"}, httpconn.CodeMethodNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var kv []string
			if tt.base != "" {
				kv = []string{KeyBaseURI, tt.base}
			}
			s := mustSettings(t, kv...)
			o, d := httpconn.Prepare(s.conn, tt.req)
			if d == nil {
				t.Fatalf("not refused: %s %s", o.Method(), o.URL())
			}
			if d.Code != tt.code || d.Severity != schema.SeverityError || d.Summary == "" || d.Detail == "" {
				t.Errorf("got %+v, want code %s with a summary and a detail", *d, tt.code)
			}
		})
	}
}

// TestRefusalsNameTheAPIsHosts: a refused host is told which hosts the
// connection may reach, and examples are the API's paths.
func TestRefusalsNameTheAPIsHosts(t *testing.T) {
	s := mustSettings(t)
	_, d := httpconn.Prepare(s.conn, shared.Request{URL: "https://evil.example/x"})
	if d == nil || !strings.Contains(d.Detail, "API host (ads-api.x.com) or the report download host (ton.twimg.com)") {
		t.Errorf("refusal %v", d)
	}
	_, d = httpconn.Prepare(s.conn, shared.Request{})
	if d == nil || d.Detail != "give a path such as /12/accounts" {
		t.Errorf("refusal %v", d)
	}
	o, _ := httpconn.Prepare(s.conn, shared.Request{URL: "accounts"})
	if ua := o.Header().Get("User-Agent"); ua != "test" || !o.Signed() {
		t.Errorf("User-Agent %q, signed %v", ua, o.Signed())
	}
}
