package plugins

import (
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
	const before = `{"v":1,"type":"demo","name":"Demo","description":"A demo.","version":"1.0.0","fields":[` +
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
	for _, miss := range []string{"", "{", `{"v":2,"type":"demo"}`, `{"v":1,"type":"","fields":[]}`} {
		if _, ok := decodeSpec(miss); ok {
			t.Errorf("%q is a cache hit", miss)
		}
	}
}
