package httpoauth1

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openintegrator/integrator/schema"
)

// TestSpec pins what scripts and forms depend on: the type, the name, the
// setting keys of issue 13 in their sections and order, which are secret,
// the sections (the last two advanced), the conditions under which a
// setting applies, the int ranges and the kinds.
func TestSpec(t *testing.T) {
	s := Spec()
	if err := s.Check(); err != nil {
		t.Fatal(err)
	}
	if s.Type != "http" || s.Name != "HTTP (OAuth 1.0)" || s.Version == "" || s.Description == "" {
		t.Errorf("head %q %q %q", s.Type, s.Name, s.Version)
	}
	type section struct {
		Title    string
		Advanced bool
		Keys     []string
	}
	var got []section
	var secret []string
	for _, sec := range s.Sections {
		got = append(got, section{Title: sec.Title, Advanced: sec.Advanced})
		if sec.Help == "" {
			t.Errorf("section %s has no help", sec.Title)
		}
	}
	at := 0
	for _, f := range s.Fields {
		for at < len(s.Sections) && s.Sections[at].Key != f.Section {
			at++ // a field's section is never before the previous field's
		}
		if at == len(s.Sections) {
			t.Fatalf("%s: section %q out of order", f.Key, f.Section)
		}
		got[at].Keys = append(got[at].Keys, f.Key)
		if f.Secret {
			secret = append(secret, f.Key)
		}
	}
	want := []section{
		{"Application", false, []string{"base_uri", "media_type", "headers"}},
		{"OAuth 1.0", false, []string{"signature_method", "consumer_key", "consumer_secret", "access_token", "token_secret", "private_key", "oauth_params_in", "realm", "body_hash"}},
		{"How to test this connection", false, []string{"ping_method", "ping_path", "ping_body", "ping_success_path", "ping_success_values", "ping_fail_path", "ping_fail_values", "ping_error_path"}},
		{"Paging and records", true, []string{"paging", "records_path", "cursor_param", "next_cursor_path", "next_url_path", "page_param", "page_size_param", "total_path"}},
		{"Limits", true, []string{"rate_limit_status", "retry_after_header", "rate_limit_reset_header", "rate_limit_remaining_header", "auth_fail_status", "concurrency", "timeout"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sections (-want +got)\n%s", diff)
	}
	if diff := cmp.Diff([]string{"consumer_secret", "access_token", "token_secret", "private_key"}, secret); diff != "" {
		t.Errorf("secret keys (-want +got)\n%s", diff)
	}

	conditions := map[string]string{}
	required := map[string]bool{}
	for _, f := range s.Fields {
		if f.ShowWhen != nil {
			conditions[f.Key] = f.ShowWhen.String()
		}
		required[f.Key] = f.Required
	}
	secrets, rsa := "signature_method is HMAC-SHA1, HMAC-SHA256, HMAC-SHA512 or PLAINTEXT", "signature_method is RSA-SHA1, RSA-SHA256 or RSA-SHA512"
	if diff := cmp.Diff(map[string]string{
		"consumer_secret": secrets, "token_secret": secrets, "private_key": rsa,
		"realm": "oauth_params_in is header", "ping_body": "ping_method is POST or PUT",
		"cursor_param": "paging is cursor", "next_cursor_path": "paging is cursor", "next_url_path": "paging is next_url",
		"page_param": "paging is page", "page_size_param": "paging is page",
	}, conditions); diff != "" {
		t.Errorf("conditions (-want +got)\n%s", diff)
	}
	for _, key := range []string{"base_uri", "signature_method", "consumer_key", "ping_path", // always
		"consumer_secret", "private_key", "cursor_param", "next_cursor_path", "next_url_path", "page_param"} { // when they apply
		if !required[key] {
			t.Errorf("%s is not required", key)
		}
		delete(required, key)
	}
	for key, r := range required {
		if r {
			t.Errorf("%s is required", key)
		}
	}

	for key, want := range map[string]string{KeyMediaType: "json", KeyOAuthParamsIn: "header", KeyPingMethod: "GET", KeyPaging: "none",
		KeyRateLimitStatus: "429", KeyRetryAfterHeader: "Retry-After", KeyAuthFailStatus: "401", KeyConcurrency: "4", KeyTimeout: "60"} {
		if f, _ := s.Field(key); f.Default != want {
			t.Errorf("%s defaults to %q, want %q", key, f.Default, want)
		}
	}
	for key, want := range map[string]string{KeyRateLimitStatus: "400 to 599", KeyAuthFailStatus: "400 to 599", KeyConcurrency: "1 to 25", KeyTimeout: "1 to 3600"} {
		if f, _ := s.Field(key); f.RangeText() != want {
			t.Errorf("%s ranges %q, want %q", key, f.RangeText(), want)
		}
	}
	for i, option := range options[KeyPaging] {
		if got := pagingStyle(option); got.String() != option || int(got) != i+1 {
			t.Errorf("paging %s is style %v", option, got)
		}
	}
	for key, want := range map[string]schema.Kind{KeyPrivateKey: schema.KindText, KeyPingBody: schema.KindText, KeyHeaders: schema.KindKeyValues} {
		if f, _ := s.Field(key); f.Kind != want {
			t.Errorf("%s is %s, want %s", key, f.Kind, want)
		}
	}
}
