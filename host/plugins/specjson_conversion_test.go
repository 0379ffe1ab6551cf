package plugins

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openintegrator/integrator/schema"
)

// A schema with fixed fields and conversions is cached whole, and its
// JSON form ('connectors show --json') names them explicitly; a schema
// without them prints as before.
func TestSpecJSONKeepsFixedFieldsAndConversions(t *testing.T) {
	spec := schema.Spec{Type: "ads", Name: "Ads", Version: "1.0.0",
		Fields: []schema.Field{
			{Key: "base_uri", Label: "Base URI", Kind: schema.KindURL, Default: "https://ads.example.com", View: schema.ViewHTTP},
			{Key: "version", Label: "Version", Kind: schema.KindString, Default: "12", View: schema.ViewHTTP},
			{Key: "method", Label: "Method", Kind: schema.KindEnum, Options: []string{"HMAC-SHA1"}, Default: "HMAC-SHA1", Fixed: true, View: schema.ViewHTTP},
		},
		Conversions: []schema.Conversion{{To: "generic", Notes: []string{"One note."}, Settings: []schema.Mapping{
			{Key: "base_uri", Template: "{base_uri}/{version}"},
			{Key: "method", From: "method"},
			{Key: "ping_path", Value: "accounts"},
		}}},
	}
	text := encodeSpec(spec)
	got, ok := decodeSpec(text)
	if !ok {
		t.Fatalf("does not read back: %s", text)
	}
	if diff := cmp.Diff(spec, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	for _, part := range []string{
		`"default":"HMAC-SHA1","options":["HMAC-SHA1"],"view":"http","fixed":true}`,
		`"conversions":[{"to":"generic","settings":[{"key":"base_uri","template":"{base_uri}/{version}"},{"key":"method","from":"method"},{"key":"ping_path","value":"accounts"}],"notes":["One note."]}]`,
	} {
		if !strings.Contains(text, part) {
			t.Errorf("the JSON form lacks %s:\n%s", part, text)
		}
	}
	if plain := encodeSpec(cacheSpec); strings.Contains(plain, "fixed") || strings.Contains(plain, "conversions") {
		t.Errorf("a schema without them names them: %s", plain)
	}
}
