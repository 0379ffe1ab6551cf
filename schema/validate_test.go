package schema

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func testSpec() Spec {
	return Spec{
		Type: "demo", Name: "Demo", Version: "1.0.0",
		Fields: []Field{
			{Key: "user", Label: "User", Kind: KindString, Required: true, View: ViewSimple},
			{Key: "password", Label: "Password", Kind: KindString, Required: true, Secret: true, View: ViewSimple},
			{Key: "notes", Label: "Notes", Kind: KindText, View: ViewSimple},
			{Key: "verbose", Label: "Verbose", Kind: KindBool, View: ViewHTTP},
			{Key: "retries", Label: "Retries", Kind: KindInt, Default: "3", View: ViewHTTP},
			{Key: "region", Label: "Region", Kind: KindEnum, Options: []string{"eu", "us"}, Default: "eu", View: ViewHTTP},
			{Key: "endpoint", Label: "Endpoint", Kind: KindURL, View: ViewHTTP},
			{Key: "tenant", Label: "Tenant", Kind: KindString, Required: true, Default: "main", View: ViewHTTP},
		},
	}
}

type codeAt struct{ Field, Code string }

func codes(ds Diagnostics) []codeAt {
	out := []codeAt{}
	for _, d := range ds {
		if d.Severity != SeverityError {
			continue
		}
		out = append(out, codeAt{d.Field, d.Code})
	}
	return out
}

func TestValidate(t *testing.T) {
	ok := Config{"user": StringValue("ann"), "password": StringValue("pw")}
	tests := []struct {
		name string
		cfg  Config
		want []codeAt
	}{
		{"valid with defaults used", ok, []codeAt{}},
		{"empty config lists every required field without a default", Config{},
			[]codeAt{{"user", CodeMissingRequired}, {"password", CodeMissingRequired}}},
		{"empty string counts as missing", Config{"user": StringValue(""), "password": StringValue("pw")},
			[]codeAt{{"user", CodeMissingRequired}}},
		{"wrong kinds", with(ok, Config{"verbose": StringValue("yes"), "retries": StringValue("3"), "user": IntValue(1)}),
			[]codeAt{{"user", CodeWrongKind}, {"verbose", CodeWrongKind}, {"retries", CodeWrongKind}}},
		{"enum value not among options", with(ok, Config{"region": StringValue("asia")}),
			[]codeAt{{"region", CodeNotInEnum}}},
		{"unknown keys sorted after fields", with(ok, Config{"zeta": StringValue("1"), "alpha": BoolValue(true)}),
			[]codeAt{{"alpha", CodeUnknownKey}, {"zeta", CodeUnknownKey}}},
		{"whitespace around a credential", with(ok, Config{"password": StringValue(" pw\n"), "user": StringValue("ann\t")}),
			[]codeAt{{"user", CodeWhitespace}, {"password", CodeWhitespace}}},
		{"text fields keep their whitespace", with(ok, Config{"notes": StringValue("  line one\nline two\n")}), []codeAt{}},
		{"url must be absolute http(s)", with(ok, Config{"endpoint": StringValue("ftp://x")}),
			[]codeAt{{"endpoint", CodeInvalidURL}}},
		{"url without host", with(ok, Config{"endpoint": StringValue("https:///path")}),
			[]codeAt{{"endpoint", CodeInvalidURL}}},
		{"good url", with(ok, Config{"endpoint": StringValue("http://127.0.0.1:8080/x")}), []codeAt{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := codes(testSpec().Validate(tt.cfg))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s", diff)
			}
		})
	}
}

func TestValidateMessagesNameTheFieldAndTheFix(t *testing.T) {
	ds := testSpec().Validate(Config{"region": StringValue("asia")})
	want := []string{
		"user: User is required (set it with --set user=VALUE)",
		"password: Password is required (enter it at the prompt, or pass it with --secret-env password=ENVVAR or --secrets-file)",
		`region: Region has no option "asia" (choose one of: eu, us)`,
	}
	var got []string
	for _, d := range ds {
		got = append(got, d.Error())
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("messages (-want +got):\n%s", diff)
	}
}

func with(base, extra Config) Config {
	out := Config{}
	for k, v := range base {
		out[k] = v
	}
	for k, v := range extra {
		out[k] = v
	}
	return out
}

func TestValuesNeverPrint(t *testing.T) {
	secret := "hunter2-very-secret"
	c := Config{"password": StringValue(secret), "n": IntValue(424242)}
	for _, format := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		for _, x := range []any{c, c["password"], []Value{c["password"]}, struct{ C Config }{c}} {
			out := fmt.Sprintf(format, x)
			if strings.Contains(out, secret) || strings.Contains(out, "424242") {
				t.Errorf("Sprintf(%q) shows a value: %s", format, out)
			}
		}
	}
	if got := c.Text("password"); got != secret {
		t.Errorf("Text = %q, want the value", got)
	}
}

func TestParseValue(t *testing.T) {
	spec := testSpec()
	f := func(k string) Field { x, _ := spec.Field(k); return x }
	if v, err := ParseValue(f("retries"), " 7 "); err != nil || v.Text() != "7" {
		t.Errorf("int: %v %v", v.Text(), err)
	}
	if _, err := ParseValue(f("retries"), "seven"); err == nil || err.Error() != "retries: want a whole number" {
		t.Errorf("int error = %v", err)
	}
	if v, err := ParseValue(f("verbose"), "true"); err != nil || v.Type() != Bool {
		t.Errorf("bool: %v %v", v.Type(), err)
	}
	if _, err := ParseValue(f("verbose"), "maybe"); err == nil {
		t.Error("bool accepted maybe")
	}
	if v, _ := ParseValue(f("user"), " ann "); v.Text() != " ann " {
		t.Errorf("string was changed: %q", v.Text())
	}
}

func TestDisplayAndScrub(t *testing.T) {
	spec := testSpec()
	c := Config{"user": StringValue("ann"), "password": StringValue("s3cr3t-value"), "retries": IntValue(5)}
	want := map[string]string{"user": "ann", "password": Redacted, "retries": "5"}
	if diff := cmp.Diff(want, spec.Display(c)); diff != "" {
		t.Errorf("Display (-want +got):\n%s", diff)
	}
	got := NewScrubber(spec, c).Scrub("server said: bad key s3cr3t-value for ann")
	if got != "server said: bad key [redacted] for ann" {
		t.Errorf("Scrub = %q", got)
	}
}

func TestWithDefaults(t *testing.T) {
	c := Config{"user": StringValue("ann"), "region": StringValue("us")}.WithDefaults(testSpec())
	if c.Text("retries") != "3" || c.Text("region") != "us" || c.Text("tenant") != "main" {
		t.Errorf("WithDefaults: retries=%q region=%q tenant=%q", c.Text("retries"), c.Text("region"), c.Text("tenant"))
	}
	if v, _ := c["retries"].IntVal(); v != 3 {
		t.Errorf("default retries not typed as int")
	}
}

func TestSpecCheck(t *testing.T) {
	if err := testSpec().Check(); err != nil {
		t.Fatalf("valid spec: %v", err)
	}
	bad := []struct {
		name string
		mod  func(*Spec)
		want string
	}{
		{"type id", func(s *Spec) { s.Type = "Demo_X" }, `connector type "Demo_X": want lower-case words joined by hyphens`},
		{"duplicate key", func(s *Spec) { s.Fields = append(s.Fields, s.Fields[0]) }, `connector demo: field key "user" used twice`},
		{"enum without options", func(s *Spec) { s.Fields[5].Options = nil }, `connector demo: field "region": enum without options`},
		{"secret default", func(s *Spec) { s.Fields[1].Default = "x" }, `connector demo: field "password": a secret field cannot have a default`},
		{"bad default", func(s *Spec) { s.Fields[4].Default = "x" }, `connector demo: field "retries": default: retries: want a whole number`},
		{"bad kind", func(s *Spec) { s.Fields[0].Kind = "float" }, `connector demo: field "user": unknown kind "float"`},
	}
	for _, tt := range bad {
		s := testSpec()
		s.Fields = append([]Field(nil), s.Fields...)
		tt.mod(&s)
		if err := s.Check(); err == nil || err.Error() != tt.want {
			t.Errorf("%s: Check() = %v, want %q", tt.name, err, tt.want)
		}
	}
}

func TestSecretEnumValueNeverQuoted(t *testing.T) {
	spec := Spec{Type: "x", Name: "X", Version: "1", Fields: []Field{
		{Key: "mode", Label: "Mode", Kind: KindEnum, Options: []string{"a", "b"}, Secret: true, View: ViewSimple},
	}}
	ds := spec.Validate(Config{"mode": StringValue("s3cret-value")})
	if len(ds) != 1 || ds[0].Code != CodeNotInEnum || strings.Contains(ds[0].Error(), "s3cret") {
		t.Errorf("diagnostics: %v", ds)
	}
}

func TestWithDefaultsTreatsEmptyAsUnset(t *testing.T) {
	c := Config{"retries": StringValue(""), "tenant": StringValue("")}.WithDefaults(testSpec())
	if c.Text("tenant") != "main" {
		t.Errorf("tenant = %q, want the default", c.Text("tenant"))
	}
}
