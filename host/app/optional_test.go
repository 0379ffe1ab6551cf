package app

import (
	"testing"

	"github.com/openintegrator/integrator/schema"
)

func TestOptionalSettings(t *testing.T) {
	spec := schema.Spec{Type: "t", Name: "T", Version: "1.0.0",
		Sections: []schema.Section{{Key: "main", Title: "Main"}, {Key: "limits", Title: "Limits", Advanced: true}},
		Fields: []schema.Field{
			{Key: "base_uri", Kind: schema.KindURL, Required: true, Section: "main"},
			{Key: "method", Kind: schema.KindEnum, Options: []string{"A", "B"}, Default: "A", Section: "main"},
			{Key: "realm", Kind: schema.KindString, Section: "main", ShowWhen: &schema.Condition{Field: "method", Values: []string{"B"}}},
			{Key: "account", Kind: schema.KindString, Section: "main"},
			{Key: "timeout", Kind: schema.KindInt, Default: "60", Section: "limits"},
		}}
	keys := func(fs []schema.Field) (out []string) {
		for _, f := range fs {
			out = append(out, f.Key)
		}
		return out
	}
	if got := keys(OptionalSettings(spec, schema.Config{})); len(got) != 2 || got[0] != "method" || got[1] != "account" {
		t.Errorf("offered %q, want method and account (realm does not apply, timeout is advanced)", got)
	}
	cfg := schema.Config{"method": schema.StringValue("B"), "account": schema.StringValue("x")}
	if got := keys(OptionalSettings(spec, cfg)); len(got) != 1 || got[0] != "realm" {
		t.Errorf("offered %q, want realm alone once method is B", got)
	}
	spec.Sections = nil // by view: everything optional is offered
	if got := keys(OptionalSettings(spec, schema.Config{})); len(got) != 3 {
		t.Errorf("without sections offered %q", got)
	}
}
