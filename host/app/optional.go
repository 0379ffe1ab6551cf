package app

import "github.com/openintegrator/integrator/schema"

// OptionalSettings returns the settings of spec that a person creating a
// connection may want to give though none is required: optional, applying
// to cfg (their condition met), not fixed (a fixed setting has one value),
// without a value yet, and not in a section
// the plugin marks advanced (without sections, every view is offered, as
// Twitter Ads' base URI, API version and account id). In schema order.
// Offer them after the required ones (Draft.Missing), with their defaults.
func OptionalSettings(spec schema.Spec, cfg schema.Config) []schema.Field {
	shown := spec.Shown(cfg)
	var out []schema.Field
	for _, f := range spec.Fields {
		if f.Required || f.Fixed || !shown[f.Key] || cfg.Has(f.Key) {
			continue
		}
		if sec, ok := spec.Section(f.Section); ok && sec.Advanced {
			continue
		}
		out = append(out, f)
	}
	return out
}

// Optional returns the draft's OptionalSettings.
func (d *Draft) Optional() []schema.Field { return OptionalSettings(d.h.Spec, d.cfg) }
