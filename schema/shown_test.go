package schema

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func int64p(i int64) *int64 { return &i }

var (
	hmacOnly = &Condition{Field: "signature_method", Values: []string{"HMAC-SHA1", "HMAC-SHA256", "PLAINTEXT"}}
	rsaOnly  = &Condition{Field: "signature_method", Values: []string{"RSA-SHA1", "RSA-SHA256"}}
)

// formSpec is a spec with sections, conditions, a bounded int and a
// key/value list, in the shape of the universal HTTP connector's.
func formSpec() Spec {
	return Spec{
		Type: "form", Name: "Form", Version: "1.0.0",
		Sections: []Section{
			{Key: "app", Title: "Application"},
			{Key: "oauth", Title: "OAuth 1.0", Help: "How requests are signed."},
			{Key: "limits", Title: "Limits", Advanced: true},
		},
		Fields: []Field{
			{Key: "base_uri", Label: "Base URI", Kind: KindURL, Required: true, View: ViewSimple, Section: "app"},
			{Key: "headers", Label: "Headers", Kind: KindKeyValues, View: ViewSimple, Section: "app"},
			{Key: "signature_method", Label: "Signature method", Kind: KindEnum, Required: true, View: ViewSimple, Section: "oauth",
				Options: []string{"HMAC-SHA1", "HMAC-SHA256", "RSA-SHA1", "RSA-SHA256", "PLAINTEXT"}},
			{Key: "consumer_secret", Label: "Consumer secret", Kind: KindString, Required: true, Secret: true, View: ViewSimple,
				Section: "oauth", ShowWhen: hmacOnly},
			{Key: "private_key", Label: "Private key", Kind: KindText, Required: true, Secret: true, View: ViewSimple,
				Section: "oauth", ShowWhen: rsaOnly},
			{Key: "body_hash", Label: "Body hash", Kind: KindBool, View: ViewHTTP, Section: "oauth"},
			{Key: "hash_note", Label: "Hash note", Kind: KindString, Required: true, View: ViewHTTP, Section: "oauth",
				ShowWhen: &Condition{Field: "body_hash", Values: []string{"true"}}},
			{Key: "paging", Label: "Paging", Kind: KindEnum, Options: []string{"none", "cursor"}, Default: "none", View: ViewHTTP, Section: "limits"},
			{Key: "cursor_param", Label: "Cursor parameter", Kind: KindString, Default: "cursor", View: ViewHTTP, Section: "limits",
				ShowWhen: &Condition{Field: "paging", Values: []string{"cursor"}}},
			{Key: "next_cursor_path", Label: "Next cursor path", Kind: KindString, Required: true, View: ViewHTTP, Section: "limits",
				ShowWhen: &Condition{Field: "paging", Values: []string{"cursor"}}},
			{Key: "concurrency", Label: "Concurrency", Kind: KindInt, Default: "4", Min: int64p(1), Max: int64p(25), View: ViewHTTP, Section: "limits"},
		},
	}
}

func formConfig(kv ...string) Config {
	c := Config{"base_uri": StringValue("https://api.example.com")}
	for i := 0; i < len(kv); i += 2 {
		c[kv[i]] = StringValue(kv[i+1])
	}
	return c
}

func TestFormSpecIsValid(t *testing.T) {
	if err := formSpec().Check(); err != nil {
		t.Fatal(err)
	}
}

func TestShownFollowsConditions(t *testing.T) {
	spec := formSpec()
	hidden := func(c Config) []string {
		var out []string
		shown := spec.Shown(c)
		for _, f := range spec.Fields {
			if !shown[f.Key] {
				out = append(out, f.Key)
			}
		}
		return out
	}
	tests := []struct {
		name string
		cfg  Config
		want []string
	}{
		{"nothing chosen: conditions on a field without value or default fail", Config{},
			[]string{"consumer_secret", "private_key", "hash_note", "cursor_param", "next_cursor_path"}},
		{"HMAC", formConfig("signature_method", "HMAC-SHA256"),
			[]string{"private_key", "hash_note", "cursor_param", "next_cursor_path"}},
		{"RSA, cursor paging, body hash", with(formConfig("signature_method", "RSA-SHA1", "paging", "cursor"), Config{"body_hash": BoolValue(true)}),
			[]string{"consumer_secret"}},
		{"an empty value means the default", formConfig("signature_method", "PLAINTEXT", "paging", ""),
			[]string{"private_key", "hash_note", "cursor_param", "next_cursor_path"}},
		{"a value no option matches shows neither", formConfig("signature_method", "hmac-sha1"),
			[]string{"consumer_secret", "private_key", "hash_note", "cursor_param", "next_cursor_path"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, hidden(tt.cfg)); diff != "" {
				t.Errorf("hidden (-want +got):\n%s", diff)
			}
		})
	}
}

func TestShownFollowsAChain(t *testing.T) {
	spec := Spec{Type: "chain", Name: "Chain", Version: "1", Fields: []Field{
		{Key: "auth", Label: "Auth", Kind: KindEnum, Options: []string{"none", "oauth"}, Default: "none", View: ViewSimple},
		{Key: "pkce", Label: "PKCE", Kind: KindBool, Default: "true", View: ViewSimple, ShowWhen: &Condition{Field: "auth", Values: []string{"oauth"}}},
		{Key: "verifier", Label: "Verifier", Kind: KindString, Required: true, View: ViewSimple, ShowWhen: &Condition{Field: "pkce", Values: []string{"true"}}},
	}}
	if err := spec.Check(); err != nil {
		t.Fatal(err)
	}
	if shown := spec.Shown(Config{}); shown["pkce"] || shown["verifier"] {
		t.Errorf("auth none: %v", shown)
	}
	// pkce's default (true) counts once pkce applies.
	if shown := spec.Shown(Config{"auth": StringValue("oauth")}); !shown["pkce"] || !shown["verifier"] {
		t.Errorf("auth oauth: %v", shown)
	}
	if shown := spec.Shown(Config{"auth": StringValue("oauth"), "pkce": BoolValue(false)}); shown["verifier"] {
		t.Errorf("pkce false: %v", shown)
	}
	// A value kept for a field that does not apply decides nothing.
	if shown := spec.Shown(Config{"pkce": BoolValue(true)}); shown["verifier"] {
		t.Errorf("pkce set but hidden: %v", shown)
	}
}

// Validation follows the conditions: a required field is required only
// where it applies, a field that does not apply is not checked, a value
// given for it is an error, and every problem comes at once.
func TestValidateFollowsConditions(t *testing.T) {
	const secret = "s3cr3t-consumer-value"
	pem := "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n"
	tests := []struct {
		name string
		cfg  Config
		want []codeAt
	}{
		{"empty: only what applies is missing", Config{},
			[]codeAt{{"base_uri", CodeMissingRequired}, {"signature_method", CodeMissingRequired}}},
		{"HMAC needs the consumer secret, not the key", formConfig("signature_method", "HMAC-SHA1"),
			[]codeAt{{"consumer_secret", CodeMissingRequired}}},
		{"HMAC with its secret", formConfig("signature_method", "HMAC-SHA1", "consumer_secret", secret), []codeAt{}},
		{"RSA needs the key, not the secret", formConfig("signature_method", "RSA-SHA256"),
			[]codeAt{{"private_key", CodeMissingRequired}}},
		{"RSA with its key", formConfig("signature_method", "RSA-SHA256", "private_key", pem), []codeAt{}},
		{"a value for a field that does not apply", formConfig("signature_method", "RSA-SHA256", "private_key", pem, "consumer_secret", secret),
			[]codeAt{{"consumer_secret", CodeNotApplicable}}},
		{"a hidden field is not checked, only reported", formConfig("signature_method", "HMAC-SHA1", "consumer_secret", secret, "cursor_param", " x "),
			[]codeAt{{"cursor_param", CodeNotApplicable}}},
		{"cursor paging needs its path; the parameter has a default", formConfig("signature_method", "PLAINTEXT", "consumer_secret", secret, "paging", "cursor"),
			[]codeAt{{"next_cursor_path", CodeMissingRequired}}},
		{"every problem at once", with(formConfig("signature_method", "RSA-SHA1", "consumer_secret", secret, "paging", "cursor", "cursor_param", " c"),
			Config{"base_uri": StringValue("ftp://x"), "concurrency": IntValue(30), "body_hash": BoolValue(true), "zz": StringValue("1")}),
			[]codeAt{{"base_uri", CodeInvalidURL}, {"consumer_secret", CodeNotApplicable}, {"private_key", CodeMissingRequired},
				{"hash_note", CodeMissingRequired}, {"cursor_param", CodeWhitespace}, {"next_cursor_path", CodeMissingRequired},
				{"concurrency", CodeOutOfRange}, {"zz", CodeUnknownKey}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds := formSpec().Validate(tt.cfg)
			if diff := cmp.Diff(tt.want, codes(ds)); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s", diff)
			}
			for _, d := range ds {
				if strings.Contains(d.Error(), secret) {
					t.Errorf("a diagnostic shows the secret: %v", d)
				}
			}
		})
	}
}

func TestNotApplicableNamesTheCondition(t *testing.T) {
	ds := formSpec().Validate(formConfig("signature_method", "RSA-SHA1", "private_key", "k", "consumer_secret", "s3cr3t-value"))
	want := "consumer_secret: Consumer secret applies only when signature_method is HMAC-SHA1, HMAC-SHA256 or PLAINTEXT " +
		"(leave it out, or change signature_method)"
	if len(ds) != 1 || ds[0].Error() != want {
		t.Errorf("got %v\nwant %s", ds, want)
	}
}

func TestWithDefaultsFillsOnlyWhatApplies(t *testing.T) {
	spec := formSpec()
	c := formConfig("signature_method", "HMAC-SHA1").WithDefaults(spec)
	if c.Has("cursor_param") || c.Text("paging") != "none" || c.Text("concurrency") != "4" {
		t.Errorf("paging none: cursor_param %v, paging %q, concurrency %q", c.Has("cursor_param"), c.Text("paging"), c.Text("concurrency"))
	}
	if ds := spec.Validate(with(c, Config{"consumer_secret": StringValue("x")})); len(ds) != 0 {
		t.Errorf("a config with its defaults does not validate: %v", ds)
	}
	c = formConfig("paging", "cursor").WithDefaults(spec)
	if c.Text("cursor_param") != "cursor" {
		t.Errorf("paging cursor: cursor_param = %q, want its default", c.Text("cursor_param"))
	}
}

func TestMissingFollowsConditions(t *testing.T) {
	spec := formSpec()
	keys := func(fs []Field) []string {
		out := []string{}
		for _, f := range fs {
			out = append(out, f.Key)
		}
		return out
	}
	for _, tt := range []struct {
		cfg  Config
		want []string
	}{
		{Config{}, []string{"base_uri", "signature_method"}},
		{formConfig("signature_method", "HMAC-SHA1"), []string{"consumer_secret"}},
		{formConfig("signature_method", "RSA-SHA1", "paging", "cursor"), []string{"private_key", "next_cursor_path"}},
		{formConfig("signature_method", "RSA-SHA1", "private_key", "k"), []string{}},
	} {
		if diff := cmp.Diff(tt.want, keys(spec.Missing(tt.cfg))); diff != "" {
			t.Errorf("%v: missing (-want +got):\n%s", tt.cfg, diff)
		}
	}
}

func TestIntRange(t *testing.T) {
	spec := formSpec()
	ok := formConfig("signature_method", "HMAC-SHA1", "consumer_secret", "x")
	for n, want := range map[int64]string{
		1: "", 25: "", 4: "",
		0:  "concurrency: Concurrency is 0, out of its range (1 to 25) (use a whole number, 1 to 25)",
		26: "concurrency: Concurrency is 26, out of its range (1 to 25) (use a whole number, 1 to 25)",
	} {
		ds := spec.Validate(with(ok, Config{"concurrency": IntValue(n)}))
		got := ""
		if len(ds) > 0 {
			got = ds[0].Error()
		}
		if got != want || len(ds) > 1 {
			t.Errorf("%d: %v, want %q", n, ds, want)
		}
	}
	f := Field{Key: "n", Label: "N", Kind: KindInt, Min: int64p(1), View: ViewHTTP}
	if f.RangeText() != "at least 1" {
		t.Errorf("RangeText = %q", f.RangeText())
	}
	f.Min, f.Max = nil, int64p(9)
	if f.RangeText() != "at most 9" {
		t.Errorf("RangeText = %q", f.RangeText())
	}
	secret := Spec{Type: "x", Name: "X", Version: "1", Fields: []Field{
		{Key: "pin", Label: "PIN", Kind: KindInt, Secret: true, Max: int64p(9999), View: ViewSimple}}}
	if ds := secret.Validate(Config{"pin": IntValue(123456)}); len(ds) != 1 || strings.Contains(ds[0].Error(), "123456") {
		t.Errorf("a secret int out of range: %v", ds)
	}
}

func TestSpecCheckFormRules(t *testing.T) {
	bad := []struct {
		name string
		mod  func(*Spec)
		want string
	}{
		{"undeclared section", func(s *Spec) { s.Fields[0].Section = "nope" },
			`connector form: field "base_uri": section "nope" is not one of the spec's sections`},
		{"field without a section", func(s *Spec) { s.Fields[0].Section = "" },
			`connector form: field "base_uri": section "" is not one of the spec's sections`},
		{"section without the spec declaring any", func(s *Spec) {
			s.Sections = nil
			for i := range s.Fields[1:] {
				s.Fields[i+1].Section = ""
			}
		}, `connector form: field "base_uri": section "app", but the spec declares no sections`},
		{"section twice", func(s *Spec) { s.Sections = append(s.Sections, Section{Key: "app", Title: "Again"}) },
			`connector form: section key "app" used twice`},
		{"section without a title", func(s *Spec) { s.Sections[0].Title = "" },
			`connector form: section "app": a section needs a key and a title`},
		{"condition on a later field", func(s *Spec) { s.Fields[2].ShowWhen = &Condition{Field: "paging", Values: []string{"none"}} },
			`connector form: field "signature_method": its condition names "paging", which is not a field before it`},
		{"condition on itself", func(s *Spec) {
			s.Fields[2].ShowWhen = &Condition{Field: "signature_method", Values: []string{"PLAINTEXT"}}
		},
			`connector form: field "signature_method": its condition names "signature_method", which is not a field before it`},
		{"condition on a secret", func(s *Spec) {
			s.Fields[5].ShowWhen = &Condition{Field: "consumer_secret", Values: []string{"x"}}
		}, `connector form: field "body_hash": its condition names the secret field consumer_secret: a form would reveal its value`},
		{"condition on a string", func(s *Spec) { s.Fields[5].ShowWhen = &Condition{Field: "base_uri", Values: []string{"x"}} },
			`connector form: field "body_hash": its condition names base_uri, a url field: a condition is on an enum or bool field`},
		{"condition value not an option", func(s *Spec) { s.Fields[3].ShowWhen = &Condition{Field: "signature_method", Values: []string{"hmac"}} },
			`connector form: field "consumer_secret": its condition's value "hmac" is not a value of signature_method`},
		{"condition bool value not canonical", func(s *Spec) { s.Fields[6].ShowWhen = &Condition{Field: "body_hash", Values: []string{"1"}} },
			`connector form: field "hash_note": its condition's value "1" is not a value of body_hash`},
		{"condition without values", func(s *Spec) { s.Fields[6].ShowWhen = &Condition{Field: "body_hash"} },
			`connector form: field "hash_note": a condition needs a field and at least one value`},
		{"range on a string", func(s *Spec) { s.Fields[0].Max = int64p(3) },
			`connector form: field "base_uri": a minimum or maximum on a url field`},
		{"min above max", func(s *Spec) { s.Fields[10].Min = int64p(30) },
			`connector form: field "concurrency": minimum 30 is above maximum 25`},
		{"default out of range", func(s *Spec) { s.Fields[10].Default = "40" },
			`connector form: field "concurrency": default 40 is out of its range (1 to 25)`},
		{"secret list", func(s *Spec) { s.Fields[1].Secret = true },
			`connector form: field "headers": a key/value list is not secret as a whole: each entry's value is secret or not`},
		{"list default", func(s *Spec) { s.Fields[1].Default = "a=b" },
			`connector form: field "headers": a key/value list cannot have a default`},
		{"a key that names a list's entry", func(s *Spec) {
			s.Fields = append(s.Fields, Field{Key: "headers.Accept", Label: "A", Kind: KindString, View: ViewHTTP, Section: "app"})
		}, `connector form: field key "headers.Accept" names an entry of the key/value list headers`},
		{"a list key with a dot", func(s *Spec) { s.Fields[1].Key = "http.headers" },
			`connector form: field "http.headers": the key of a key/value list cannot hold a dot (KEY.NAME names one of its entries)`},
	}
	for _, tt := range bad {
		s := formSpec()
		tt.mod(&s)
		if err := s.Check(); err == nil || err.Error() != tt.want {
			t.Errorf("%s: Check() = %v\nwant %s", tt.name, err, tt.want)
		}
	}
}
