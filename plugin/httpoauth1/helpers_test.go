package httpoauth1

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/openintegrator/integrator/plugin/httpconn"
	"github.com/openintegrator/integrator/plugin/oauthtestapi"
	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// newAPI starts a test API that stops with the test.
func newAPI(t *testing.T, opts ...oauthtestapi.Option) *oauthtestapi.Server {
	t.Helper()
	api := oauthtestapi.NewServer(opts...)
	t.Cleanup(api.Close)
	return api
}

// set returns c with the settings kv (key, value as typed) added.
func set(c schema.Config, kv ...string) schema.Config {
	out := schema.Config{}
	for k, v := range c {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		f, ok := Spec().Field(kv[i])
		v, err := schema.ParseValue(f, kv[i+1])
		if !ok || err != nil {
			v = schema.StringValue(kv[i+1])
		}
		out[kv[i]] = v
	}
	return out
}

// withHeader returns c with the entry name (secret or not) in its headers.
func withHeader(c schema.Config, name, value string, secret bool) schema.Config {
	out := set(c)
	out[KeyHeaders] = out[KeyHeaders].WithEntry(schema.KV{Name: name, Value: value, Secret: secret})
	return out
}

// hmacConfig is a connection to the test API signing with HMAC-SHA1 in
// the header; kv overrides settings.
func hmacConfig(api *oauthtestapi.Server, kv ...string) schema.Config {
	c := api.Credentials
	cfg := withHeader(schema.Config{}, "X-Api-Key", c.APIKey, true)
	return set(cfg, append([]string{KeyBaseURI, api.URL + "/v1", KeySignatureMethod, "HMAC-SHA1",
		KeyConsumerKey, c.ConsumerKey, KeyConsumerSecret, c.ConsumerSecret, KeyAccessToken, c.AccessToken,
		KeyTokenSecret, c.TokenSecret, KeyPingPath, "me"}, kv...)...)
}

// rsaConfig is a connection to the test API signing with an RSA method.
func rsaConfig(api *oauthtestapi.Server, method string, kv ...string) schema.Config {
	c := api.Credentials
	cfg := withHeader(schema.Config{}, "X-Api-Key", c.APIKey, true)
	return set(cfg, append([]string{KeyBaseURI, api.URL + "/v1", KeySignatureMethod, method,
		KeyConsumerKey, c.RSAConsumerKey, KeyAccessToken, c.AccessToken, KeyPrivateKey, c.PrivateKeyPEM,
		KeyPingPath, "me"}, kv...)...)
}

// newTestConnector returns a connector whose backoff is short.
func newTestConnector() *Connector {
	return newConnector(nil, httpconn.Options{BackoffBase: 20 * time.Millisecond, BackoffMax: 200 * time.Millisecond})
}

// do sends req and returns the response with its whole body read.
func do(t *testing.T, c *Connector, cfg schema.Config, req shared.Request) (*shared.Response, string) {
	t.Helper()
	resp, err := c.DoRequest(context.Background(), cfg, req)
	if err != nil {
		t.Fatalf("DoRequest: %v", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading the body: %v", err)
	}
	return resp, string(b)
}

func ping(t *testing.T, c *Connector, cfg schema.Config) shared.PingResult {
	t.Helper()
	res, err := c.Ping(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Ping: %v", err)
	}
	return res
}

func find(ds schema.Diagnostics, code string) (schema.Diagnostic, bool) {
	for _, d := range ds {
		if d.Code == code {
			return d, true
		}
	}
	return schema.Diagnostic{}, false
}

// mentions reports whether any diagnostic's text contains s.
func mentions(ds schema.Diagnostics, s string) bool {
	for _, d := range ds {
		if strings.Contains(d.Summary+" "+d.Detail+" "+d.Field, s) {
			return true
		}
	}
	return false
}
