package twitterads

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openintegrator/integrator/plugin/httpconn"
	"github.com/openintegrator/integrator/schema"
)

func goodConfig() schema.Config {
	return schema.Config{
		KeyConsumerKey:    schema.StringValue("xvz1evFS4wEEPTGEFPHBog"),
		KeyConsumerSecret: schema.StringValue("kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw"),
		KeyAccessToken:    schema.StringValue("370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb"),
		KeyTokenSecret:    schema.StringValue("LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE"),
	}
}

func set(c schema.Config, kv ...string) schema.Config {
	out := schema.Config{}
	for k, v := range c {
		out[k] = v
	}
	for i := 0; i < len(kv); i += 2 {
		out[kv[i]] = schema.StringValue(kv[i+1])
	}
	return out
}

type at struct{ Field, Code string }

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  schema.Config
		want []at
	}{
		{"good", goodConfig(), nil},
		{"good with http view", set(goodConfig(), KeyBaseURI, "https://ads-api-sandbox.x.com", KeyAPIVersion, "11", KeyAccountID, "18ce54d4x5t"), nil},
		{"loopback http for a simulator", set(goodConfig(), KeyBaseURI, "http://127.0.0.1:8080"), nil},
		{"localhost http", set(goodConfig(), KeyBaseURI, "http://localhost:9/"), nil},
		{"ipv6 loopback http", set(goodConfig(), KeyBaseURI, "http://[::1]:9"), nil},
		{"everything missing", schema.Config{}, []at{
			{KeyConsumerKey, schema.CodeMissingRequired}, {KeyConsumerSecret, schema.CodeMissingRequired},
			{KeyAccessToken, schema.CodeMissingRequired}, {KeyTokenSecret, schema.CodeMissingRequired}}},
		{"line break inside a secret", set(goodConfig(), KeyTokenSecret, "abc\ndef"), []at{{KeyTokenSecret, CodeWhitespaceInCredential}}},
		{"space inside the consumer key", set(goodConfig(), KeyConsumerKey, "abc def"), []at{{KeyConsumerKey, CodeWhitespaceInCredential}}},
		{"trailing newline is reported once", set(goodConfig(), KeyConsumerSecret, "abcdef\n"), []at{{KeyConsumerSecret, schema.CodeWhitespace}}},
		{"access token of the wrong form", set(goodConfig(), KeyAccessToken, "GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb"), []at{{KeyAccessToken, CodeAccessTokenForm}}},
		{"access token with symbols", set(goodConfig(), KeyAccessToken, "123-abc_def"), []at{{KeyAccessToken, CodeAccessTokenForm}}},
		{"plain http to a remote host", set(goodConfig(), KeyBaseURI, "http://ads-api.x.com"), []at{{KeyBaseURI, httpconn.CodeInsecureBaseURI}}},
		{"base uri with query", set(goodConfig(), KeyBaseURI, "https://ads-api.x.com/?a=b"), []at{{KeyBaseURI, httpconn.CodeBaseURIExtra}}},
		{"base uri with fragment", set(goodConfig(), KeyBaseURI, "https://ads-api.x.com/#x"), []at{{KeyBaseURI, httpconn.CodeBaseURIExtra}}},
		{"base uri not a url", set(goodConfig(), KeyBaseURI, "ads-api.x.com"), []at{{KeyBaseURI, schema.CodeInvalidURL}}},
		{"base uri with a .. segment", set(goodConfig(), KeyBaseURI, "https://ads-api.x.com/a/../b"), []at{{KeyBaseURI, httpconn.CodeBaseURIDotSegment}}},
		{"base uri ending in ..", set(goodConfig(), KeyBaseURI, "https://ads-api.x.com/a/.."), []at{{KeyBaseURI, httpconn.CodeBaseURIDotSegment}}},
		{"base uri with a . segment", set(goodConfig(), KeyBaseURI, "http://127.0.0.1:9/./api"), []at{{KeyBaseURI, httpconn.CodeBaseURIDotSegment}}},
		{"base uri with an encoded .. segment", set(goodConfig(), KeyBaseURI, "https://ads-api.x.com/a/%2e%2E/b"), []at{{KeyBaseURI, httpconn.CodeBaseURIDotSegment}}},
		{"base uri with an encoded . segment", set(goodConfig(), KeyBaseURI, "https://ads-api.x.com/%2E/b"), []at{{KeyBaseURI, httpconn.CodeBaseURIDotSegment}}},
		{"base uri with dots inside segments", set(goodConfig(), KeyBaseURI, "https://ads-api.x.com/v1.2/..x/x../.well"), nil},
		{"api version not a number", set(goodConfig(), KeyAPIVersion, "v12"), []at{{KeyAPIVersion, CodeAPIVersion}}},
		{"account id with capitals", set(goodConfig(), KeyAccountID, "18CE54"), []at{{KeyAccountID, CodeAccountID}}},
		{"unknown key", set(goodConfig(), "bearer_token", "x"), []at{{"bearer_token", schema.CodeUnknownKey}}},
		{"many problems at once", set(schema.Config{}, KeyConsumerKey, "a b", KeyAccessToken, "nope", KeyAPIVersion, "x", "extra", "1"), []at{
			{KeyConsumerSecret, schema.CodeMissingRequired}, {KeyTokenSecret, schema.CodeMissingRequired},
			{"extra", schema.CodeUnknownKey}, {KeyConsumerKey, CodeWhitespaceInCredential},
			{KeyAccessToken, CodeAccessTokenForm}, {KeyAPIVersion, CodeAPIVersion}}},
	}
	c := New(nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds, err := c.Validate(context.Background(), tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			var got []at
			for _, d := range ds {
				got = append(got, at{d.Field, d.Code})
				if d.Severity != schema.SeverityError {
					t.Errorf("%s: severity %s", d.Code, d.Severity)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s", diff)
			}
		})
	}
}

// TestBaseURIMessagesHideUserInformation: a base URI refused for another
// reason is shown without the password its user@ part may hold.
func TestBaseURIMessagesHideUserInformation(t *testing.T) {
	ds := validate(set(goodConfig(), KeyBaseURI, "http://ann:pa55word@ads.example.com/a/../b?k=v"))
	var got []string
	for _, d := range ds {
		got = append(got, d.Code)
		if strings.Contains(d.Error(), "pa55word") {
			t.Errorf("diagnostic shows the password: %s", d.Error())
		}
	}
	want := []string{httpconn.CodeInsecureBaseURI, httpconn.CodeBaseURIExtra, httpconn.CodeBaseURIExtra, httpconn.CodeBaseURIDotSegment}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("codes (-want +got):\n%s", diff)
	}
}

func TestValidateNeverEchoesSecrets(t *testing.T) {
	secret := "370773112-GmHx MAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb"
	cfg := set(goodConfig(), KeyAccessToken, secret, KeyConsumerSecret, " lead-"+secret, KeyTokenSecret, "tok_en")
	ds := validate(cfg)
	if len(ds) == 0 {
		t.Fatal("no diagnostics")
	}
	for _, d := range ds {
		for _, part := range []string{"GmHx", "MAgYy", "tok_en"} {
			if strings.Contains(d.Error(), part) {
				t.Errorf("diagnostic shows a secret: %s", d.Error())
			}
		}
	}
}

func TestSpecMatchesTheIssueTable(t *testing.T) {
	spec := Spec()
	if err := spec.Check(); err != nil {
		t.Fatal(err)
	}
	type row struct {
		Key, Label       string
		Required, Secret bool
		View             schema.View
		Default          string
	}
	want := []row{
		{"consumer_key", "Consumer key", true, false, schema.ViewSimple, ""},
		{"consumer_secret", "Consumer secret", true, true, schema.ViewSimple, ""},
		{"access_token", "Access token", true, true, schema.ViewSimple, ""},
		{"token_secret", "Token secret", true, true, schema.ViewSimple, ""},
		// With the connection's settings, not the HTTP ones (issue 16).
		{"account_id", "Ads account ID", false, false, schema.ViewSimple, ""},
		{"base_uri", "Base URI", false, false, schema.ViewHTTP, "https://ads-api.x.com"},
		{"api_version", "API version", false, false, schema.ViewHTTP, "12"},
		// The HTTP view's fixed settings, in the universal HTTP connector's words.
		{"signature_method", "Signature method", false, false, schema.ViewHTTP, "HMAC-SHA1"},
		{"oauth_params_in", "OAuth parameters in", false, false, schema.ViewHTTP, "header"},
		{"body_hash", "Body hash", false, false, schema.ViewHTTP, "false"},
		{"paging", "Paging", false, false, schema.ViewHTTP, "cursor"},
		{"records_path", "Records path", false, false, schema.ViewHTTP, "data"},
		{"cursor_param", "Cursor parameter", false, false, schema.ViewHTTP, "cursor"},
		{"next_cursor_path", "Next cursor path", false, false, schema.ViewHTTP, "next_cursor"},
		{"total_path", "Total path", false, false, schema.ViewHTTP, "total_count"},
		{"rate_limit_status", "Rate limit status", false, false, schema.ViewHTTP, "429"},
		{"retry_after_header", "Retry-After header", false, false, schema.ViewHTTP, "Retry-After"},
	}
	var got []row
	for _, f := range spec.Fields {
		got = append(got, row{f.Key, f.Label, f.Required, f.Secret, f.View, f.Default})
		if f.Secret && !strings.Contains(f.Help, "re-entered") {
			t.Errorf("%s: help does not say the secret must be re-entered", f.Key)
		}
		if f.Help == "" {
			t.Errorf("%s: no help", f.Key)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
	if spec.Type != "twitter-ads" || spec.Name != "Twitter Ads" {
		t.Errorf("type %q name %q", spec.Type, spec.Name)
	}
}
