package httpoauth1

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/go-hclog"

	"github.com/openintegrator/integrator/plugin/httpconn"
	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// TestCredentialsGoOnlyToTheBaseURIsOrigin: an absolute URL of the base
// URI's origin is signed and sent (next_url and Link paging need it);
// another host, port or scheme is refused before a byte is sent.
func TestCredentialsGoOnlyToTheBaseURIsOrigin(t *testing.T) {
	api := newAPI(t)
	c := newTestConnector()
	cfg := hmacConfig(api)
	if resp, _ := do(t, c, cfg, shared.Request{URL: api.URL + "/v1/me"}); resp.Status != 200 {
		t.Errorf("the API's own absolute URL: %d %v", resp.Status, resp.Diagnostics)
	}
	before := len(api.Requests())
	for _, u := range []string{"https://evil.example.com/v1/me", "http://localhost:1/v1/me", "ftp://" + strings.TrimPrefix(api.URL, "http://") + "/v1/me"} {
		resp, _ := do(t, c, cfg, shared.Request{URL: u})
		if resp.Status != 0 || resp.Attempts != 0 || !resp.Diagnostics.HasError() {
			t.Errorf("%s: status %d, %d attempts, %v", u, resp.Status, resp.Attempts, resp.Diagnostics)
		}
	}
	if resp, _ := do(t, c, cfg, shared.Request{URL: "https://evil.example.com/x"}); !mentions(resp.Diagnostics, "not this connection's API host") {
		t.Errorf("%v", resp.Diagnostics)
	}
	if len(api.Requests()) != before {
		t.Error("a refused request reached the API")
	}
}

// TestNoSecretInLogs: at trace level, the connector's logs of tests,
// requests, refused and failed ones hold no secret, header value or line
// of the private key.
func TestNoSecretInLogs(t *testing.T) {
	api := newAPI(t)
	var logs bytes.Buffer
	c := newConnector(hclog.New(&hclog.LoggerOptions{Level: hclog.Trace, Output: &logs}), httpconn.Options{})
	ctx := context.Background()
	for _, cfg := range []schema.Config{
		withHeader(rsaConfig(api, "RSA-SHA256"), "X-Client", "canary", false),
		set(hmacConfig(api), KeySignatureMethod, "PLAINTEXT", KeyOAuthParamsIn, "query"),
		set(hmacConfig(api), KeyTokenSecret, "wrong-"+api.Credentials.TokenSecret),
	} {
		c.Validate(ctx, cfg)
		c.Ping(ctx, cfg)
		c.Describe(ctx, cfg)
		for _, u := range []string{"me", "nothing", "https://evil.example.com/"} {
			if resp, err := c.DoRequest(ctx, cfg, shared.Request{URL: u, Query: []shared.Param{{Key: "q", Value: "v"}}}); err == nil {
				resp.Body.Close()
			}
		}
	}
	if !strings.Contains(logs.String(), "[DEBUG]") {
		t.Fatal("nothing was logged; the scan proves little")
	}
	cr := api.Credentials
	secrets := []string{cr.ConsumerSecret, cr.TokenSecret, cr.AccessToken, cr.APIKey, "canary", "oauth_signature", "oauth_nonce"}
	for _, line := range strings.Split(cr.PrivateKeyPEM, "\n") {
		if len(line) > 20 && !strings.HasPrefix(line, "-----") {
			secrets = append(secrets, line)
		}
	}
	for _, s := range secrets {
		if strings.Contains(logs.String(), s) {
			t.Errorf("the logs hold %.12q…", s)
		}
	}
}
