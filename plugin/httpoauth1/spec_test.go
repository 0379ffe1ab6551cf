package httpoauth1

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openintegrator/integrator/schema"
)

// TestSpec pins what scripts and forms depend on: the type, the name, the
// setting keys of issue 13 in their sections' order, which are secret,
// and that each field's help starts with its section.
func TestSpec(t *testing.T) {
	s := Spec()
	if err := s.Check(); err != nil {
		t.Fatal(err)
	}
	if s.Type != "http" || s.Name != "HTTP (OAuth 1.0)" || s.Version == "" || s.Description == "" {
		t.Errorf("head %q %q %q", s.Type, s.Name, s.Version)
	}
	var keys, secret []string
	for _, f := range s.Fields {
		keys = append(keys, f.Key)
		if f.Secret {
			secret = append(secret, f.Key)
		}
	}
	want := []string{"base_uri", "media_type", "headers", "secret_headers",
		"signature_method", "consumer_key", "consumer_secret", "access_token", "token_secret", "private_key", "realm", "oauth_params_in", "body_hash",
		"ping_method", "ping_path", "ping_body", "ping_success_path", "ping_success_values", "ping_fail_path", "ping_fail_values", "ping_error_path",
		"paging", "records_path", "cursor_param", "next_cursor_path", "next_url_path", "page_param", "page_size_param", "total_path",
		"rate_limit_status", "retry_after_header", "rate_limit_reset_header", "rate_limit_remaining_header", "auth_fail_status", "concurrency", "timeout"}
	if diff := cmp.Diff(want, keys); diff != "" {
		t.Errorf("keys (-want +got)\n%s", diff)
	}
	if diff := cmp.Diff([]string{"secret_headers", "consumer_secret", "access_token", "token_secret", "private_key"}, secret); diff != "" {
		t.Errorf("secret keys (-want +got)\n%s", diff)
	}
	sections := []string{secApp, secOAuth, secTest, secPaging, secLimits}
	at := 0
	for _, f := range s.Fields {
		i := slices.IndexFunc(sections, func(sec string) bool { return strings.HasPrefix(f.Help, sec+": ") })
		if i < at {
			t.Errorf("%s: help %q does not start with a section in order", f.Key, f.Help)
		}
		at = max(at, i)
	}
	for key, want := range map[string]string{KeyMediaType: "json", KeyOAuthParamsIn: "header", KeyPingMethod: "GET", KeyPaging: "none",
		KeyRateLimitStatus: "429", KeyRetryAfterHeader: "Retry-After", KeyAuthFailStatus: "401", KeyConcurrency: "4"} {
		if f, _ := s.Field(key); f.Default != want {
			t.Errorf("%s defaults to %q, want %q", key, f.Default, want)
		}
	}
	for i, option := range options[KeyPaging] {
		if got := pagingStyle(option); got.String() != option || int(got) != i+1 {
			t.Errorf("paging %s is style %v", option, got)
		}
	}
	for _, key := range []string{KeyPrivateKey, KeyHeaders, KeySecretHeaders, KeyPingBody} {
		if f, _ := s.Field(key); f.Kind != schema.KindText {
			t.Errorf("%s is %s, want multi-line text", key, f.Kind)
		}
	}
}
