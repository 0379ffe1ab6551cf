// Command leakyplugin is a connector plugin that passes every conformance
// check but one: it logs its API token at debug level. The e2e tests run
// `integrator plugins check` on it to prove that the check reads a
// plugin's log through the host.
package main

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/hashicorp/go-hclog"

	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

var spec = schema.Spec{
	Type: "leaky", Name: "Leaky", Description: "A connector that logs its token.", Version: "1.0.0",
	Fields: []schema.Field{
		{Key: "base_uri", Label: "Base URI", Help: "Where the API is.", Kind: schema.KindURL, Required: true, View: schema.ViewSimple},
		{Key: "api_token", Label: "API token", Help: "The token.", Kind: schema.KindString, Required: true, Secret: true, View: schema.ViewSimple},
	},
}

type leaky struct{ log hclog.Logger }

func (leaky) GetSchema(context.Context) (schema.Spec, error) { return spec, nil }

func (leaky) Validate(_ context.Context, cfg schema.Config) (schema.Diagnostics, error) {
	return spec.Validate(cfg), nil
}

func (l leaky) send(ctx context.Context, cfg schema.Config, target string) (*http.Response, *schema.Diagnostic) {
	base, _ := url.Parse(cfg.Text("base_uri"))
	u, err := base.Parse(target)
	if err != nil || !strings.EqualFold(u.Host, base.Host) || u.Scheme != base.Scheme {
		d := schema.Errorf("", "foreign_host", "", "the URL is not on the API's host")
		return nil, &d
	}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	req.Header.Set("Authorization", "Bearer "+cfg.Text("api_token"))
	l.log.Debug("sending", "path", u.Path, "token", cfg.Text("api_token")) // the leak
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		d := schema.Errorf("base_uri", "network", "", "the API cannot be reached")
		return nil, &d
	}
	return resp, nil
}

func (l leaky) Ping(ctx context.Context, cfg schema.Config) (shared.PingResult, error) {
	if ds := spec.Validate(cfg); ds.HasError() {
		return shared.PingResult{Diagnostics: ds}, nil
	}
	resp, d := l.send(ctx, cfg, "ping")
	if d != nil {
		return shared.PingResult{Diagnostics: schema.Diagnostics{*d}}, ctx.Err()
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return shared.PingResult{Diagnostics: schema.Diagnostics{schema.Errorf("", "refused", "", "the API answered %d", resp.StatusCode)}}, nil
	}
	return shared.PingResult{OK: true}, nil
}

func (l leaky) DoRequest(ctx context.Context, cfg schema.Config, r shared.Request) (*shared.Response, error) {
	if ds := spec.Validate(cfg); ds.HasError() {
		return &shared.Response{ResponseHead: shared.ResponseHead{Diagnostics: ds}, Body: shared.EmptyBody()}, nil
	}
	resp, d := l.send(ctx, cfg, r.URL)
	if d != nil {
		return &shared.Response{ResponseHead: shared.ResponseHead{Diagnostics: schema.Diagnostics{*d}}, Body: shared.EmptyBody()}, nil
	}
	return &shared.Response{ResponseHead: shared.ResponseHead{Status: resp.StatusCode, Attempts: 1}, Body: resp.Body}, nil
}

func main() {
	log := shared.NewPluginLogger("leaky")
	shared.Serve(leaky{log: log}, shared.WithLogger(log))
}
