package schema

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const apiKey = "k3y-0f-th3-api-VALUE"

func headers() Value {
	return KeyValuesValue([]KV{{Name: "Accept", Value: "application/json"}, {Name: "X-Api-Key", Value: apiKey, Secret: true}})
}

func TestKeyValuesValue(t *testing.T) {
	v := headers()
	got, ok := v.Entries()
	if !ok || v.Type() != KeyValues {
		t.Fatalf("Entries ok %v, type %v", ok, v.Type())
	}
	want := []KV{{"Accept", "application/json", false}, {"X-Api-Key", apiKey, true}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}
	got[0].Value = "changed"
	if again, _ := v.Entries(); again[0].Value != "application/json" {
		t.Error("Entries returns the value's own slice")
	}
	if _, ok := StringValue("x").Entries(); ok {
		t.Error("a string has entries")
	}

	v2 := v.WithEntry(KV{Name: "Accept", Value: "text/csv"}).WithEntry(KV{Name: "X-Trace", Value: "1"})
	got, _ = v2.Entries()
	want = []KV{{"Accept", "text/csv", false}, {"X-Api-Key", apiKey, true}, {"X-Trace", "1", false}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("WithEntry (-want +got):\n%s", diff)
	}
	v3, removed := v2.WithoutEntry("X-Api-Key")
	if got, _ = v3.Entries(); !removed || len(got) != 2 || v3.SecretEntries() || !v2.SecretEntries() {
		t.Errorf("WithoutEntry: removed %v, %d entries", removed, len(got))
	}
	if _, removed := v3.WithoutEntry("nope"); removed {
		t.Error("WithoutEntry removed an entry that is not there")
	}
	if got, _ := (Value{}).WithEntry(KV{Name: "A", Value: "b"}).Entries(); len(got) != 1 {
		t.Errorf("WithEntry on null: %v", got)
	}

	clear := v.WithoutSecretValues()
	got, _ = clear.Entries()
	want = []KV{{"Accept", "application/json", false}, {"X-Api-Key", "", true}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("WithoutSecretValues (-want +got):\n%s", diff)
	}
	if s := StringValue("x"); s.WithoutSecretValues() != s {
		t.Error("WithoutSecretValues changed a string")
	}
	if v != headers() || v == clear {
		t.Error("lists compare by their entries")
	}
}

// Entries hold any bytes, and the stored form reads back what it holds.
func TestEntriesEncoding(t *testing.T) {
	odd := []KV{{Name: "", Value: ""}, {Name: "ä=b\n", Value: "\xff\x00 v", Secret: true}, {Name: strings.Repeat("n", 300), Value: "x"}}
	if got, _ := KeyValuesValue(odd).Entries(); !cmp.Equal(odd, got) {
		t.Errorf("Value lost bytes: %+v", got)
	}
	list := []KV{{"Accept", "application/json", false}, {"X-Api-Key", apiKey, true}}
	text := EncodeEntries(list)
	if text != `[{"name":"Accept","value":"application/json"},{"name":"X-Api-Key","value":"`+apiKey+`","secret":true}]` {
		t.Errorf("EncodeEntries = %s", text)
	}
	back, err := DecodeEntries(text)
	if err != nil || !cmp.Equal(list, back) {
		t.Errorf("DecodeEntries = %v, %v", back, err)
	}
	if back, err := DecodeEntries(EncodeEntries(nil)); err != nil || len(back) != 0 {
		t.Errorf("empty list: %v %v", back, err)
	}
	if _, err := DecodeEntries(`{"` + apiKey); err == nil || strings.Contains(err.Error(), apiKey) {
		t.Errorf("DecodeEntries of garbage: %v", err)
	}
}

func TestKeyValuesNeverPrintSecrets(t *testing.T) {
	v := headers()
	if got := v.Text(); got != "Accept=application/json, X-Api-Key=(set)" {
		t.Errorf("Text = %q", got)
	}
	c := Config{"headers": v}
	for _, format := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		for _, x := range []any{c, v, []Value{v}} {
			if out := fmt.Sprintf(format, x); strings.Contains(out, apiKey) || strings.Contains(out, "application/json") {
				t.Errorf("Sprintf(%q) shows a value: %s", format, out)
			}
		}
	}
	spec := formSpec()
	if got := spec.Display(c)["headers"]; got != "Accept=application/json, X-Api-Key=(set)" {
		t.Errorf("Display = %q", got)
	}
	sc := NewScrubber(spec, c)
	if got := sc.Scrub("the server said: bad key " + apiKey + " for application/json"); got != "the server said: bad key [redacted] for application/json" {
		t.Errorf("Scrub = %q", got)
	}
}

func TestValidateKeyValues(t *testing.T) {
	spec := formSpec()
	ok := formConfig("signature_method", "HMAC-SHA1", "consumer_secret", "x")
	list := func(entries ...KV) Config { return with(ok, Config{"headers": KeyValuesValue(entries)}) }
	tests := []struct {
		name string
		cfg  Config
		want []string
	}{
		{"a good list", list(KV{"Accept", "application/json", false}, KV{"X-Api-Key", apiKey, true}), nil},
		{"an empty list is no value", list(), nil},
		{"every bad entry at once", list(KV{"", "x", false}, KV{" Accept", "a", false}, KV{"X-Api-Key", "", true},
			KV{"A\x1bB", "x", false}, KV{"Bin", "\xff", true}, KV{"Empty", "", false}),
			[]string{
				"headers: entry 1 of Headers has no name (write it as headers.NAME=VALUE)",
				`headers: the name " Accept" of entry 2 of Headers starts or ends with whitespace (remove the spaces)`,
				"headers: the secret value of headers.X-Api-Key is not given (pass it with --secret-env headers.X-Api-Key=ENVVAR, " +
					"--secret-file headers.X-Api-Key=FILE or --secrets-file, or remove the entry with --unset headers.X-Api-Key)",
				"headers: the name of entry 4 of Headers holds a control character or invalid UTF-8 (use printable characters)",
				"headers: the value of headers.Bin is not valid UTF-8 (give the value as UTF-8 text)",
			}},
		{"a string for a list", with(ok, Config{"headers": StringValue("Accept=x")}),
			[]string{"headers: Headers must be a list of named values, not a string value " +
				"(add entries with --set headers.NAME=VALUE, or --secret-env headers.NAME=ENVVAR for a secret value)"}},
		{"a list for a string", with(ok, Config{"base_uri": headers()}),
			[]string{"base_uri: Base URI must be a string value, not a key/value list"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, d := range spec.Validate(tt.cfg) {
				got = append(got, d.Error())
				if strings.Contains(d.Error(), apiKey) {
					t.Errorf("a diagnostic shows the secret: %v", d)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s", diff)
			}
		})
	}

	required := Spec{Type: "r", Name: "R", Version: "1", Fields: []Field{{Key: "params", Label: "Params", Kind: KindKeyValues, Required: true, View: ViewSimple}}}
	if ds := required.Validate(Config{"params": KeyValuesValue(nil)}); len(ds) != 1 || ds[0].Code != CodeMissingRequired {
		t.Errorf("a required list without entries: %v", ds)
	}
}

// An edit starts from a saved list, whose secret entries have no value:
// Missing asks for each of them, as a secret field named by its entry key.
func TestMissingAsksForSecretEntries(t *testing.T) {
	spec := formSpec()
	c := formConfig("signature_method", "RSA-SHA1", "private_key", "k")
	c["headers"] = headers().WithoutSecretValues()
	got := spec.Missing(c)
	if len(got) != 1 {
		t.Fatalf("missing %v", got)
	}
	f := got[0]
	if f.Key != "headers.X-Api-Key" || f.Label != "Headers X-Api-Key" || !f.Secret || !f.Required || f.Kind != KindString || f.Section != "app" {
		t.Errorf("missing entry %+v", f)
	}
	if list, name, ok := spec.Entry(f.Key); !ok || list.Key != "headers" || name != "X-Api-Key" {
		t.Errorf("Entry(%q) = %s, %q, %v", f.Key, list.Key, name, ok)
	}
	c["headers"] = headers()
	if got := spec.Missing(c); len(got) != 0 {
		t.Errorf("missing %v once the value is given", got)
	}
}

func TestEntry(t *testing.T) {
	spec := formSpec()
	for key, want := range map[string]string{"headers.Accept": "Accept", "headers.": "", "headers.a.b": "a.b"} {
		if f, name, ok := spec.Entry(key); !ok || f.Key != "headers" || name != want {
			t.Errorf("Entry(%q) = %q, %q, %v", key, f.Key, name, ok)
		}
	}
	for _, key := range []string{"headers", "base_uri.x", "nope.x", "Accept"} {
		if _, _, ok := spec.Entry(key); ok {
			t.Errorf("Entry(%q) is an entry", key)
		}
	}
}

func TestParseKeyValues(t *testing.T) {
	f, _ := formSpec().Field("headers")
	v, err := ParseValue(f, "Accept=application/json\r\n\nX-A=b=c\n")
	got, _ := v.Entries()
	if err != nil || !cmp.Equal(got, []KV{{"Accept", "application/json", false}, {"X-A", "b=c", false}}) {
		t.Errorf("ParseValue = %v, %v", got, err)
	}
	if _, err := ParseValue(f, "Accept\n"+apiKey); err == nil || strings.Contains(err.Error(), apiKey) {
		t.Errorf("a line without =: %v", err)
	}
}
