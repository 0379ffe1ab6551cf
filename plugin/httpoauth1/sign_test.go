package httpoauth1

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/openintegrator/integrator/plugin/httpconn"
	"github.com/openintegrator/integrator/shared"
)

// me is what the test API's me endpoint says it verified.
type me struct {
	OK          bool   `json:"ok"`
	Method      string `json:"method"`
	Placement   string `json:"placement"`
	Realm       string `json:"realm"`
	BodyHash    bool   `json:"body_hash"`
	ContentType string `json:"content_type"`
	Client      string `json:"client"`
}

// TestEverySignatureMethod: a connection of each method passes the
// connection test and signs requests the test API verifies
// (oauth1.VerifyKeys; the e2e suite also checks them with crypto/rsa and
// crypto/hmac over a base string of its own).
func TestEverySignatureMethod(t *testing.T) {
	api := newAPI(t)
	c := newTestConnector()
	for _, method := range options[KeySignatureMethod] {
		t.Run(method, func(t *testing.T) {
			cfg := set(hmacConfig(api), KeySignatureMethod, method)
			if strings.HasPrefix(method, "RSA-") {
				cfg = rsaConfig(api, method)
			}
			if res := ping(t, c, cfg); !res.OK {
				t.Fatalf("Ping: %v", res.Diagnostics)
			}
			resp, body := do(t, c, cfg, shared.Request{URL: "me"})
			var got me
			if err := json.Unmarshal([]byte(body), &got); err != nil || resp.Status != 200 || got.Method != method || got.Placement != "header" {
				t.Errorf("status %d %s %v", resp.Status, body, resp.Diagnostics)
			}
		})
	}
	if n := api.Counts().Unauthorized; n != 0 {
		t.Errorf("%d requests refused", n)
	}
}

// TestPlacementsRealmAndBodyHash: the OAuth parameters go where
// oauth_params_in says, the realm in the header, oauth_body_hash with a
// JSON body when body_hash is set; the test API verifies each.
func TestPlacementsRealmAndBodyHash(t *testing.T) {
	api := newAPI(t)
	c := newTestConnector()
	form := []shared.Header{{Name: "Content-Type", Value: "application/x-www-form-urlencoded"}}
	tests := []struct {
		name string
		kv   []string
		req  shared.Request
		want me
	}{
		{"header with a realm", []string{KeyRealm, "Photos"}, shared.Request{URL: "me"}, me{Placement: "header", Realm: "Photos"}},
		{"query", []string{KeyOAuthParamsIn, "query"}, shared.Request{URL: "me", Query: []shared.Param{{Key: "a", Value: "b c"}}}, me{Placement: "query"}},
		{"form body", []string{KeyOAuthParamsIn, "body", KeyMediaType, "urlencoded", KeyPingMethod, "POST"},
			shared.Request{Method: "POST", URL: "me", Body: []byte("x=1&y=%20")}, me{Placement: "body", ContentType: "application/x-www-form-urlencoded"}},
		{"form body, empty", []string{KeyOAuthParamsIn, "body", KeyMediaType, "urlencoded", KeyPingMethod, "POST"},
			shared.Request{Method: "PUT", URL: "me"}, me{Placement: "body", ContentType: "application/x-www-form-urlencoded"}},
		{"body hash of a JSON body", []string{KeyBodyHash, "true", KeySignatureMethod, "HMAC-SHA256"},
			shared.Request{Method: "POST", URL: "me", Body: []byte(`{"a":1}`)}, me{Placement: "header", BodyHash: true, ContentType: "application/json"}},
		{"no body hash for a form body", []string{KeyBodyHash, "true"},
			shared.Request{Method: "POST", URL: "me", Body: []byte("a=1"), Header: form}, me{Placement: "header", ContentType: form[0].Value}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := set(hmacConfig(api), tt.kv...)
			if res := ping(t, c, cfg); !res.OK {
				t.Fatalf("Ping: %v", res.Diagnostics)
			}
			resp, body := do(t, c, cfg, tt.req)
			var got me
			json.Unmarshal([]byte(body), &got)
			tt.want.OK, tt.want.Method = true, got.Method
			if resp.Status != 200 || got != tt.want {
				t.Errorf("status %d: got %+v, want %+v (%v)", resp.Status, got, tt.want, resp.Diagnostics)
			}
		})
	}
	// A GET cannot carry the parameters in a body: refused in the user's
	// words, nothing sent.
	before := len(api.Requests())
	resp, _ := do(t, c, set(hmacConfig(api), KeyOAuthParamsIn, "body", KeyMediaType, "urlencoded", KeyPingMethod, "POST"), shared.Request{URL: "me"})
	if d, ok := find(resp.Diagnostics, httpconn.CodeSigningFailed); !ok || !strings.Contains(d.Summary, "oauth_params_in is body") || len(api.Requests()) != before {
		t.Errorf("GET with body placement: %v", resp.Diagnostics)
	}
}

// TestHeadersAndMediaType: the headers' entries, secret or not, go with
// every request unless it sets the same header; media_type gives bodies
// their Content-Type and requests their Accept.
func TestHeadersAndMediaType(t *testing.T) {
	api := newAPI(t)
	c := newTestConnector()
	cfg := withHeader(withHeader(set(hmacConfig(api), KeyMediaType, "xml"), "X-Client", "from-settings", false), "X-Trace", "1", false)
	resp, body := do(t, c, cfg, shared.Request{Method: "POST", URL: "me", Body: []byte("<a/>")})
	var got me
	json.Unmarshal([]byte(body), &got)
	if resp.Status != 200 || got.Client != "from-settings" || got.ContentType != "application/xml" {
		t.Errorf("status %d %s", resp.Status, body)
	}
	_, body = do(t, c, cfg, shared.Request{URL: "me", Header: []shared.Header{{Name: "x-client", Value: "mine"}}})
	if json.Unmarshal([]byte(body), &got); got.Client != "mine" {
		t.Errorf("the request's own header did not win: %s", body)
	}
	reqs := api.Requests()
	last := reqs[len(reqs)-1].Header
	if last.Get("Accept") != "application/xml" || last.Get("X-Trace") != "1" || last.Get("X-Api-Key") != api.Credentials.APIKey || len(last.Values("X-Client")) != 1 {
		t.Errorf("headers sent: %v", http.Header(last))
	}
	// Without the secret entry the API refuses: it was what let them in.
	without := set(cfg)
	without[KeyHeaders], _ = cfg[KeyHeaders].WithoutEntry("X-Api-Key")
	resp, _ = do(t, c, without, shared.Request{URL: "me"})
	if resp.Status != 401 {
		t.Errorf("without the secret header: %d", resp.Status)
	}
}
