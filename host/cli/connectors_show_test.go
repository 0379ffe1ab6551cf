package cli

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openintegrator/integrator/schema"
)

func int64p(i int64) *int64 { return &i }

var (
	hmac = &schema.Condition{Field: "signature_method", Values: []string{"HMAC-SHA1", "PLAINTEXT"}}
	rsa  = &schema.Condition{Field: "signature_method", Values: []string{"RSA-SHA1", "RSA-SHA256", "RSA-SHA512"}}
)

// formSpec is a schema in the shape of the universal HTTP connector's: a
// key/value list, conditional secrets, a multi-line secret, a range.
func formSpec() schema.Spec {
	return schema.Spec{
		Type: "form", Name: "Form", Version: "1.0.0", Description: "A form.",
		Sections: []schema.Section{
			{Key: "app", Title: "Application"},
			{Key: "oauth", Title: "OAuth 1.0", Help: "How requests are signed."},
			{Key: "limits", Title: "Limits", Advanced: true},
		},
		Fields: []schema.Field{
			{Key: "base_uri", Label: "Base URI", Kind: schema.KindURL, Required: true, View: schema.ViewSimple, Section: "app", Help: "Where the API is."},
			{Key: "headers", Label: "Headers", Kind: schema.KindKeyValues, View: schema.ViewSimple, Section: "app", Help: "Sent with every request."},
			{Key: "signature_method", Label: "Signature method", Kind: schema.KindEnum, Required: true, View: schema.ViewSimple, Section: "oauth",
				Options: []string{"HMAC-SHA1", "RSA-SHA1", "RSA-SHA256", "RSA-SHA512", "PLAINTEXT"}, Help: "How to sign."},
			{Key: "consumer_secret", Label: "Consumer secret", Kind: schema.KindString, Required: true, Secret: true, View: schema.ViewSimple,
				Section: "oauth", ShowWhen: hmac, Help: "The app's secret."},
			{Key: "private_key", Label: "Private key", Kind: schema.KindText, Required: true, Secret: true, View: schema.ViewSimple,
				Section: "oauth", ShowWhen: rsa, Help: "A PEM RSA key."},
			{Key: "concurrency", Label: "Concurrency", Kind: schema.KindInt, Default: "4", Min: int64p(1), Max: int64p(25),
				View: schema.ViewHTTP, Section: "limits", Help: "Requests at once."},
		},
	}
}

// connectors show prints the sections in order, an advanced one marked,
// the condition under which a setting applies, a range, and how a list's
// entries are given.
func TestPrintSpecWithSections(t *testing.T) {
	var b bytes.Buffer
	if err := printSpec(&b, formSpec(), "/p/integrator-connector-form"); err != nil {
		t.Fatal(err)
	}
	want := `Form (form) 1.0.0
A form.
Plugin: /p/integrator-connector-form

Application:
  base_uri  Base URI  [url, required]
      Where the API is.
  headers  Headers  [key/value list]
      (one entry per --set headers.NAME=VALUE; a secret value with --secret-env headers.NAME=ENVVAR)
      Sent with every request.

OAuth 1.0:
  How requests are signed.
  signature_method  Signature method  [enum, required, one of HMAC-SHA1|RSA-SHA1|RSA-SHA256|RSA-SHA512|PLAINTEXT]
      How to sign.
  consumer_secret  Consumer secret  [string, required, secret]
      (when signature_method is HMAC-SHA1 or PLAINTEXT)
      The app's secret.
  private_key  Private key  [text, required, secret]
      (when signature_method is RSA-SHA1, RSA-SHA256 or RSA-SHA512)
      A PEM RSA key.

Limits (advanced):
  concurrency  Concurrency  [int, 1 to 25, default 4]
      Requests at once.
`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// A schema without sections prints by view, as before sections existed.
func TestPrintSpecWithoutSections(t *testing.T) {
	s := schema.Spec{Type: "plain", Name: "Plain", Version: "2", Description: "Plain.", Fields: []schema.Field{
		{Key: "user", Label: "User", Kind: schema.KindString, Required: true, View: schema.ViewSimple, Help: "Who."},
		{Key: "base_uri", Label: "Base URI", Kind: schema.KindURL, Default: "https://x.example", View: schema.ViewHTTP, Help: "Where."},
	}}
	var b bytes.Buffer
	_ = printSpec(&b, s, "/p")
	want := `Plain (plain) 2
Plain.
Plugin: /p

Settings:
  user  User  [string, required]
      Who.

HTTP settings (advanced):
  base_uri  Base URI  [url, default https://x.example]
      Where.
`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// Twitter Ads' account id is shown with the connection's settings, not
// under "HTTP settings (advanced)".
func TestAccountIDWithTheConnectionSettings(t *testing.T) {
	out := newCLI(t, true).mustRun("connectors", "show", "twitter-ads").stdout
	settings, advanced := strings.Index(out, "\nSettings:\n"), strings.Index(out, "\nHTTP settings (advanced):\n")
	account := strings.Index(out, "\n  account_id  Ads account ID")
	if settings < 0 || advanced < 0 || account < 0 || !(settings < account && account < advanced) {
		t.Errorf("account_id is not among the settings before the HTTP ones:\n%s", out)
	}
}
