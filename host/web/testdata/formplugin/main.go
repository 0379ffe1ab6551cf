// Command formplugin is a connector plugin whose schema uses every form
// feature the console renders: sections in order, an advanced one,
// conditions (a secret for one signature method, a private key for the
// other, a field whose condition rests on a conditional field), a
// key/value list whose entries may be secret, multi-line text, an int
// range, a bool and an enum with a default. Its connection test needs no
// network: it passes when api_key is "right-key". The console's tests
// drive it to prove the form is rendered from the schema alone.
package main

import (
	"context"
	"time"

	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

func i64(v int64) *int64 { return &v }

var spec = schema.Spec{
	Type: "formtest", Name: "Form test", Description: "A connector whose form has sections, conditions and lists.", Version: "1.0.0",
	Sections: []schema.Section{
		{Key: "auth", Title: "Authentication", Help: "How requests are signed."},
		{Key: "app", Title: "Application"},
		{Key: "limits", Title: "Limits", Help: "Most connections keep these.", Advanced: true},
	},
	Fields: []schema.Field{
		{Key: "method", Label: "Signature method", Help: "HMAC uses the secret, RSA the private key.", Kind: schema.KindEnum,
			Options: []string{"HMAC", "RSA"}, Required: true, View: schema.ViewSimple, Section: "auth"},
		{Key: "api_key", Label: "API key", Help: "The key.", Kind: schema.KindString, Required: true, Secret: true, View: schema.ViewSimple, Section: "auth"},
		{Key: "hmac_secret", Label: "HMAC secret", Help: "The shared secret.", Kind: schema.KindString, Required: true, Secret: true,
			View: schema.ViewSimple, Section: "auth", ShowWhen: &schema.Condition{Field: "method", Values: []string{"HMAC"}}},
		{Key: "private_key", Label: "Private key", Help: "PEM.", Kind: schema.KindText, Required: true, Secret: true,
			View: schema.ViewSimple, Section: "auth", ShowWhen: &schema.Condition{Field: "method", Values: []string{"RSA"}}},
		{Key: "base_uri", Label: "Base URI", Help: "Where the API is.", Kind: schema.KindURL, Default: "https://api.example.com", View: schema.ViewHTTP, Section: "app"},
		{Key: "headers", Label: "Headers", Help: "Sent with every request.", Kind: schema.KindKeyValues, View: schema.ViewHTTP, Section: "app"},
		{Key: "note", Label: "Note", Help: "Anything, over several lines.", Kind: schema.KindText, View: schema.ViewHTTP, Section: "app"},
		{Key: "paging", Label: "Paging", Help: "How lists page.", Kind: schema.KindEnum, Options: []string{"none", "cursor"}, Default: "none", View: schema.ViewHTTP, Section: "limits"},
		{Key: "cursor_param", Label: "Cursor parameter", Help: "The cursor's parameter.", Kind: schema.KindString, Required: true,
			View: schema.ViewHTTP, Section: "limits", ShowWhen: &schema.Condition{Field: "paging", Values: []string{"cursor"}}},
		{Key: "concurrency", Label: "Concurrency", Help: "Requests at once.", Kind: schema.KindInt, Default: "4", Min: i64(1), Max: i64(25), View: schema.ViewHTTP, Section: "limits"},
		{Key: "verbose", Label: "Verbose", Help: "Log more.", Kind: schema.KindBool, Default: "false", View: schema.ViewHTTP, Section: "limits"},
	},
}

type connector struct{}

func (connector) GetSchema(context.Context) (schema.Spec, error) { return spec, nil }

func (connector) Validate(_ context.Context, cfg schema.Config) (schema.Diagnostics, error) {
	return spec.Validate(cfg), nil
}

func (connector) Ping(_ context.Context, cfg schema.Config) (shared.PingResult, error) {
	if ds := spec.Validate(cfg); ds.HasError() {
		return shared.PingResult{Diagnostics: ds}, nil
	}
	if cfg.Text("api_key") != "right-key" {
		return shared.PingResult{Latency: time.Millisecond, Diagnostics: schema.Diagnostics{
			schema.Errorf("", "unauthorized", "check the API key", "authentication failed: the API did not accept the key")}}, nil
	}
	return shared.PingResult{OK: true, Latency: time.Millisecond, Facts: []shared.Fact{{Key: "account", Value: "Form test account"}}}, nil
}

func (connector) DoRequest(context.Context, schema.Config, shared.Request) (*shared.Response, error) {
	return &shared.Response{ResponseHead: shared.ResponseHead{Diagnostics: schema.Diagnostics{
		schema.Errorf("", "unsupported", "", "this test connector sends no requests")}}, Body: shared.EmptyBody()}, nil
}

func main() {
	log := shared.NewPluginLogger("formtest")
	shared.Serve(connector{}, shared.WithLogger(log))
}
