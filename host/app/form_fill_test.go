package app

import (
	"errors"
	"strings"
	"testing"

	"github.com/openintegrator/integrator/host/plugins"
	"github.com/openintegrator/integrator/host/store"
	"github.com/openintegrator/integrator/schema"
)

// Fill replaces the settings with the form's: empty texts and blank rows
// are not given, a text that is no value of its field is a problem named
// by its key (the text not repeated), and values of settings whose
// condition the form does not meet are dropped.
func TestFillTakesTheWholeForm(t *testing.T) {
	spec := formSpec
	spec.Fields = append(spec.Fields, schema.Field{Key: "limit", Label: "Limit", Kind: schema.KindInt, View: schema.ViewSimple})
	d := &Draft{h: &plugins.Handle{Spec: spec}, cfg: schema.Config{"limit": schema.IntValue(3)}}
	problems := d.Fill(FormValues{
		Text:    map[string]string{"method": "HMAC-SHA1", "private_key": "hidden-key", "limit": "s3cr3t-typo"},
		Entries: map[string][]schema.KV{"headers": {{Name: "Accept", Value: "text/csv"}, {}, {Name: "X-Key", Value: "k", Secret: true}}},
	})
	if len(problems) != 1 || problems["limit"] == "" || strings.Contains(problems["limit"], "s3cr3t") {
		t.Errorf("problems %q", problems)
	}
	if _, ok := d.cfg["private_key"]; ok {
		t.Error("a value for a setting that does not apply was kept")
	}
	if _, ok := d.cfg["limit"]; ok {
		t.Error("the setting before the form was kept")
	}
	if e, _ := d.cfg["headers"].Entries(); len(e) != 2 || !e[1].Secret {
		t.Errorf("entries %+v", e)
	}
	if v := d.Values(); v.Text["method"] != "HMAC-SHA1" || v.Entries["headers"][1].Value != "" || v.Entries["headers"][0].Value != "text/csv" {
		t.Errorf("Values shows %+v", v)
	}
}

// On an edit, a list entry saved secret cannot be posted plain, and an
// entry needs a name.
func TestFillKeepsSecretEntriesSecret(t *testing.T) {
	saved := schema.KeyValuesValue([]schema.KV{{Name: "X-Key", Secret: true}})
	d := &Draft{h: &plugins.Handle{Spec: formSpec}, old: &store.Connection{Values: schema.Config{"headers": saved}}}
	for _, rows := range [][]schema.KV{{{Name: "X-Key", Value: "now plain"}}, {{Value: "no name"}}, {{Name: "A", Value: "1"}, {Name: "A", Value: "2"}}} {
		if p := d.Fill(FormValues{Entries: map[string][]schema.KV{"headers": rows}}); p["headers"] == "" {
			t.Errorf("rows %+v: no problem", rows)
		}
	}
}

// A draft from a form with a name that cannot be used refuses to save
// with the name's error.
func TestSaveRefusesTheFormsNameError(t *testing.T) {
	d := &Draft{h: &plugins.Handle{Spec: formSpec}, nameErr: &NameTakenError{Name: "x"}, valid: true}
	var taken *NameTakenError
	if _, err := d.Save(t.Context()); !errors.As(err, &taken) {
		t.Errorf("Save: %v", err)
	}
}
