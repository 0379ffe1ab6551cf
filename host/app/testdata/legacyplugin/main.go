// Command legacyplugin is a connector plugin, "legacy-ads", that declares
// a conversion to twitter-ads and never calls an API: its connection test
// always passes. The host core's tests convert its connections to prove
// that a conversion is refused, changing nothing, when the target
// connector's Validate or Ping does not pass; the host knows neither
// connector but through their schemas.
package main

import (
	"context"

	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

var spec = schema.Spec{
	Type: "legacy-ads", Name: "Legacy Ads", Description: "An older ads connector.", Version: "1.0.0",
	Fields: []schema.Field{
		{Key: "endpoint", Label: "Endpoint", Help: "Where the API is.", Kind: schema.KindURL, Required: true, View: schema.ViewSimple},
		{Key: "app_key", Label: "App key", Help: "The key.", Kind: schema.KindString, Required: true, View: schema.ViewSimple},
		{Key: "app_secret", Label: "App secret", Help: "The secret.", Kind: schema.KindString, Required: true, Secret: true, View: schema.ViewSimple},
		{Key: "user_token", Label: "User token", Help: "The token.", Kind: schema.KindString, Required: true, Secret: true, View: schema.ViewSimple},
		{Key: "user_secret", Label: "User secret", Help: "The token's secret.", Kind: schema.KindString, Required: true, Secret: true, View: schema.ViewSimple},
		{Key: "version", Label: "Version", Help: "The API version.", Kind: schema.KindString, Default: "12", View: schema.ViewHTTP},
	},
	Conversions: []schema.Conversion{{
		To: "twitter-ads",
		Settings: []schema.Mapping{
			{Key: "base_uri", From: "endpoint"},
			{Key: "api_version", From: "version"},
			{Key: "consumer_key", From: "app_key"},
			{Key: "consumer_secret", From: "app_secret"},
			{Key: "access_token", From: "user_token"},
			{Key: "token_secret", From: "user_secret"},
		},
		Notes: []string{"Legacy Ads sent no requests."},
	}},
}

type legacy struct{}

func (legacy) GetSchema(context.Context) (schema.Spec, error) { return spec, nil }

func (legacy) Validate(_ context.Context, cfg schema.Config) (schema.Diagnostics, error) {
	return spec.Validate(cfg), nil
}

func (legacy) Ping(_ context.Context, cfg schema.Config) (shared.PingResult, error) {
	ds := spec.Validate(cfg)
	return shared.PingResult{OK: !ds.HasError(), Diagnostics: ds}, nil
}

func (legacy) DoRequest(context.Context, schema.Config, shared.Request) (*shared.Response, error) {
	d := schema.Errorf("", "no_requests", "", "Legacy Ads sends no requests")
	return &shared.Response{ResponseHead: shared.ResponseHead{Diagnostics: schema.Diagnostics{d}}, Body: shared.EmptyBody()}, nil
}

func main() {
	log := shared.NewPluginLogger("legacy-ads")
	shared.Serve(legacy{}, shared.WithLogger(log))
}
