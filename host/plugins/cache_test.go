package plugins

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openintegrator/integrator/schema"
)

var cacheSpec = schema.Spec{Type: "demo", Name: "Demo", Description: "A demo.", Version: "1.0.0", Fields: []schema.Field{
	{Key: "user", Label: "User", Help: "Who you are.", Kind: schema.KindString, Required: true, View: schema.ViewSimple},
	{Key: "password", Label: "Password", Kind: schema.KindString, Required: true, Secret: true, View: schema.ViewSimple},
	{Key: "base_uri", Label: "Base URI", Kind: schema.KindURL, Default: "https://api.example.com", View: schema.ViewHTTP},
}}

// The schema cache reads back what it wrote, and still reads the entries
// of the same version written before its form was shared with
// 'connectors show --json' (false flags and empty defaults left out).
func TestSpecCacheRoundTrip(t *testing.T) {
	got, ok := decodeSpec(encodeSpec(cacheSpec))
	if !ok {
		t.Fatal("a cached spec does not read back")
	}
	if diff := cmp.Diff(cacheSpec, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	const before = `{"v":2,"type":"demo","name":"Demo","description":"A demo.","version":"1.0.0","fields":[` +
		`{"key":"user","label":"User","help":"Who you are.","kind":"string","required":true,"view":"simple"},` +
		`{"key":"password","label":"Password","help":"","kind":"string","required":true,"secret":true,"view":"simple"},` +
		`{"key":"base_uri","label":"Base URI","help":"","kind":"url","default":"https://api.example.com","view":"http"}]}`
	got, ok = decodeSpec(before)
	if !ok {
		t.Fatal("an entry written by the earlier form does not read")
	}
	if diff := cmp.Diff(cacheSpec, got); diff != "" {
		t.Errorf("earlier form (-want +got):\n%s", diff)
	}
	// A version 1 entry may come from a host that dropped the parts of the
	// form it did not know (fixed fields, conditions): it is read again.
	v1 := strings.Replace(before, `"v":2`, `"v":1`, 1)
	for _, miss := range []string{"", "{", `{"v":3,"type":"demo"}`, `{"v":2,"type":"","fields":[]}`, v1} {
		if _, ok := decodeSpec(miss); ok {
			t.Errorf("%q is a cache hit", miss)
		}
	}
}

// A schema with sections, conditions, ranges and a key/value list is
// cached whole, and its JSON form names each part explicitly.
func TestSpecCacheKeepsFormParts(t *testing.T) {
	lo, hi := int64(1), int64(25)
	spec := schema.Spec{Type: "form", Name: "Form", Version: "1.0.0",
		Sections: []schema.Section{{Key: "oauth", Title: "OAuth 1.0", Help: "Signing."}, {Key: "limits", Title: "Limits", Advanced: true}},
		Fields: []schema.Field{
			{Key: "headers", Label: "Headers", Kind: schema.KindKeyValues, View: schema.ViewSimple, Section: "oauth"},
			{Key: "method", Label: "Method", Kind: schema.KindEnum, Options: []string{"HMAC-SHA1", "RSA-SHA1"}, Required: true,
				View: schema.ViewSimple, Section: "oauth"},
			{Key: "private_key", Label: "Private key", Kind: schema.KindText, Secret: true, Required: true, View: schema.ViewSimple,
				Section: "oauth", ShowWhen: &schema.Condition{Field: "method", Values: []string{"RSA-SHA1"}}},
			{Key: "concurrency", Label: "Concurrency", Kind: schema.KindInt, Default: "4", Min: &lo, Max: &hi, View: schema.ViewHTTP, Section: "limits"},
		}}
	text := encodeSpec(spec)
	got, ok := decodeSpec(text)
	if !ok {
		t.Fatalf("a cached spec with sections does not read back: %s", text)
	}
	if diff := cmp.Diff(spec, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	for _, part := range []string{
		`"sections":[{"key":"oauth","title":"OAuth 1.0","help":"Signing.","advanced":false},{"key":"limits","title":"Limits","help":"","advanced":true}]`,
		`"kind":"keyvalues"`,
		`"section":"oauth","show_when":{"field":"method","values":["RSA-SHA1"]}`,
		`"section":"limits","min":1,"max":25`,
	} {
		if !strings.Contains(text, part) {
			t.Errorf("the JSON form lacks %s:\n%s", part, text)
		}
	}
	if plain := encodeSpec(cacheSpec); strings.Contains(plain, "section") || strings.Contains(plain, "show_when") || strings.Contains(plain, `"min"`) {
		t.Errorf("a schema without form parts names them: %s", plain)
	}
}
