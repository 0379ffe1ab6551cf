package connections

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openintegrator/integrator/schema"
)

// An edit that changes the field a condition names drops the saved
// settings that no longer apply, and keeps a value given anew for one
// (which validation then reports).
func TestDropKeptHidden(t *testing.T) {
	base := schema.Config{"user": schema.StringValue("ann"), "realm": schema.StringValue("photos")}
	cfg, err := Collect(listSpec, base, Input{Set: []string{"method=RSA-SHA1"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	DropKeptHidden(listSpec, base, cfg)
	if cfg.Has("realm") || cfg.Text("user") != "ann" {
		t.Errorf("after switching to RSA: realm kept %v, user %q", cfg.Has("realm"), cfg.Text("user"))
	}

	cfg, _ = Collect(listSpec, base, Input{Set: []string{"method=RSA-SHA1", "realm=other"}}, nil)
	DropKeptHidden(listSpec, base, cfg)
	if cfg.Text("realm") != "other" {
		t.Error("a value given anew for a field that does not apply was dropped")
	}
	if ds := listSpec.Validate(cfg); len(ds.ForField("realm")) != 1 || ds.ForField("realm")[0].Code != schema.CodeNotApplicable {
		t.Errorf("validation of it: %v", ds)
	}

	cfg, _ = Collect(listSpec, base, Input{}, nil)
	DropKeptHidden(listSpec, base, cfg)
	if cfg.Text("realm") != "photos" {
		t.Error("a setting that still applies was dropped")
	}
}

// What is missing follows the conditions and, on an edit, lists each
// secret entry of a saved list by its entry key.
func TestMissingOnAnEdit(t *testing.T) {
	keys := func(fs []schema.Field) []string {
		out := []string{}
		for _, f := range fs {
			out = append(out, f.Key)
		}
		return out
	}
	saved := schema.KeyValuesValue([]schema.KV{{Name: "Accept", Value: "a"}, {Name: "X-Api-Key", Secret: true}})
	cfg := schema.Config{"user": schema.StringValue("ann"), "headers": saved}
	if diff := cmp.Diff([]string{"headers.X-Api-Key", "password"}, keys(Missing(listSpec, cfg))); diff != "" {
		t.Errorf("HMAC (the default): (-want +got):\n%s", diff)
	}
	cfg["method"] = schema.StringValue("RSA-SHA1")
	if diff := cmp.Diff([]string{"headers.X-Api-Key", "private_key"}, keys(Missing(listSpec, cfg))); diff != "" {
		t.Errorf("RSA: (-want +got):\n%s", diff)
	}
}
