package app

import (
	"testing"

	"github.com/openintegrator/integrator/host/plugins"
	"github.com/openintegrator/integrator/host/secrets"
	"github.com/openintegrator/integrator/host/store"
	"github.com/openintegrator/integrator/schema"
)

// formSpec has a key/value list and a secret that applies only to one
// signature method. The twitter-ads plugin these package's other tests
// run has neither, so these tests use the schema alone.
var formSpec = schema.Spec{Type: "form", Name: "Form", Version: "1", Fields: []schema.Field{
	{Key: "headers", Label: "Headers", Kind: schema.KindKeyValues, View: schema.ViewSimple},
	{Key: "method", Label: "Method", Kind: schema.KindEnum, Options: []string{"HMAC-SHA1", "RSA-SHA1"}, Required: true, View: schema.ViewSimple},
	{Key: "private_key", Label: "Private key", Kind: schema.KindText, Secret: true, Required: true, View: schema.ViewSimple,
		ShowWhen: &schema.Condition{Field: "method", Values: []string{"RSA-SHA1"}}},
}}

// A saved list with a secret entry shows its entries, the secret value as
// (set), rather than the whole list as (set).
func TestConnectionShowsAListsEntries(t *testing.T) {
	c := store.Connection{Name: "l", Type: "form",
		Values: schema.Config{
			"headers": schema.KeyValuesValue([]schema.KV{{Name: "Accept", Value: "text/csv"}, {Name: "X-Api-Key", Secret: true}}),
			"method":  schema.StringValue("RSA-SHA1"),
		},
		Secrets: map[string]secrets.Sealed{"headers": {}, "private_key": {}},
	}
	got := view(c, true).Settings
	want := map[string]string{"headers": "Accept=text/csv, X-Api-Key=(set)", "method": "RSA-SHA1", "private_key": schema.Redacted}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s shows as %q, want %q", k, got[k], v)
		}
	}
}

// What a draft asks for follows the conditions, one answer at a time, and
// a prompted secret entry stays secret.
func TestDraftMissingFollowsAnswers(t *testing.T) {
	saved := schema.KeyValuesValue([]schema.KV{{Name: "X-Api-Key", Secret: true}})
	d := &Draft{h: &plugins.Handle{Spec: formSpec}, cfg: schema.Config{"headers": saved}, old: &store.Connection{}}
	keys := func() []string {
		var out []string
		for _, f := range d.Missing() {
			out = append(out, f.Key)
		}
		return out
	}
	if got := keys(); len(got) != 2 || got[0] != "headers.X-Api-Key" || got[1] != "method" || !d.SecretsToReenter() {
		t.Fatalf("missing %v", got)
	}
	if err := d.Set("headers.X-Api-Key", "k3y"); err != nil {
		t.Fatal(err)
	}
	if entries, _ := d.cfg["headers"].Entries(); len(entries) != 1 || !entries[0].Secret || entries[0].Value != "k3y" {
		t.Errorf("the prompted entry: %+v", entries)
	}
	if err := d.Set("method", "RSA-SHA1"); err != nil {
		t.Fatal(err)
	}
	if got := keys(); len(got) != 1 || got[0] != "private_key" {
		t.Errorf("after choosing RSA: missing %v", got)
	}
	if err := d.Set("headers.Accept", "text/csv"); err != nil {
		t.Fatal(err)
	}
	if entries, _ := d.cfg["headers"].Entries(); len(entries) != 2 || entries[1].Secret {
		t.Errorf("a new entry: %+v", entries)
	}
}
