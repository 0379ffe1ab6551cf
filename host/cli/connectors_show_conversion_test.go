package cli

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openintegrator/integrator/schema"
)

// A fixed setting shows the value it always has (not a default one could
// change, nor the options), and each conversion the connector declares is
// listed with the command that makes it, where each target setting comes
// from, and what the converted connection does differently.
func TestPrintSpecWithFixedFieldsAndConversions(t *testing.T) {
	s := schema.Spec{Type: "ads", Name: "Ads", Version: "2", Description: "Ads.",
		Fields: []schema.Field{
			{Key: "key", Label: "Key", Kind: schema.KindString, Required: true, View: schema.ViewSimple, Help: "The key."},
			{Key: "base_uri", Label: "Base URI", Kind: schema.KindURL, Default: "https://ads.example.com", View: schema.ViewHTTP, Help: "Where."},
			{Key: "method", Label: "Method", Kind: schema.KindEnum, Options: []string{"HMAC-SHA1"}, Default: "HMAC-SHA1", Fixed: true,
				View: schema.ViewHTTP, Help: "How requests are signed."},
		},
		Conversions: []schema.Conversion{{To: "generic", Notes: []string{"Reports stay with Ads."},
			Settings: []schema.Mapping{
				{Key: "base_uri", Template: "{base_uri}/12"},
				{Key: "consumer_key", From: "key"},
				{Key: "ping_path", Value: "accounts"},
			}}},
	}
	var b bytes.Buffer
	_ = printSpec(&b, s, "/p")
	want := `Ads (ads) 2
Ads.
Plugin: /p

Settings:
  key  Key  [string, required]
      The key.

HTTP settings (advanced):
  base_uri  Base URI  [url, default https://ads.example.com]
      Where.
  method  Method  [enum, fixed HMAC-SHA1]
      How requests are signed.

Converts to generic (integrator connections convert NAME --to generic):
  base_uri      template {base_uri}/12
  consumer_key  from key
  ping_path     value accounts
  Note: Reports stay with Ads.
`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
