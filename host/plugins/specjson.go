package plugins

import "github.com/openintegrator/integrator/schema"

// SpecJSON is the one JSON form of a plugin's schema: what
// 'connectors show --json' prints and, with a version beside it, what the
// schema cache keeps. Its names are explicit, so that renaming a Go field
// changes neither the output nor the cache. What a schema without
// sections, conditions, ranges, fixed fields or conversions lacks is left
// out, so such a schema prints as it did before they existed, and entries
// cached before then read the same.
type SpecJSON struct {
	Type        string        `json:"type"`
	Name        string        `json:"name"`
	Description string        `json:"description"`
	Version     string        `json:"version"`
	Sections    []SectionJSON `json:"sections,omitempty"` // in the order a form shows them
	Fields      []FieldJSON   `json:"fields"`
	// Conversions say how a connection of this type becomes one of
	// another type ('connections convert').
	Conversions []ConversionJSON `json:"conversions,omitempty"`
}

// ConversionJSON is a conversion in SpecJSON: each setting of a
// connection of type to, from a setting of this type ("from"), a value, or
// a template of this type's values.
type ConversionJSON struct {
	To       string        `json:"to"`
	Settings []MappingJSON `json:"settings"`
	Notes    []string      `json:"notes,omitempty"`
}

// MappingJSON is one setting of a conversion's target; one of from, value
// and template is set.
type MappingJSON struct {
	Key      string `json:"key"`
	From     string `json:"from,omitempty"`
	Value    string `json:"value,omitempty"`
	Template string `json:"template,omitempty"`
}

// SectionJSON is a section in SpecJSON.
type SectionJSON struct {
	Key      string `json:"key"`
	Title    string `json:"title"`
	Help     string `json:"help"`
	Advanced bool   `json:"advanced"`
}

// FieldJSON is a setting in SpecJSON.
type FieldJSON struct {
	Key      string         `json:"key"`
	Label    string         `json:"label"`
	Help     string         `json:"help"`
	Kind     string         `json:"kind"`
	Required bool           `json:"required"`
	Secret   bool           `json:"secret"`
	Default  *string        `json:"default"` // null when the setting has no default
	Options  []string       `json:"options,omitempty"`
	View     string         `json:"view"`
	Section  string         `json:"section,omitempty"`
	ShowWhen *ConditionJSON `json:"show_when,omitempty"` // absent when the setting always applies
	Min      *int64         `json:"min,omitempty"`
	Max      *int64         `json:"max,omitempty"`
	Fixed    bool           `json:"fixed,omitempty"` // the default is the only value
}

// ConditionJSON is a setting's condition in SpecJSON: the setting applies
// only while the setting named by field has one of values.
type ConditionJSON struct {
	Field  string   `json:"field"`
	Values []string `json:"values"`
}

// NewSpecJSON returns the JSON form of s.
func NewSpecJSON(s schema.Spec) SpecJSON {
	out := SpecJSON{Type: s.Type, Name: s.Name, Description: s.Description, Version: s.Version,
		Fields: make([]FieldJSON, 0, len(s.Fields))}
	for _, sec := range s.Sections {
		out.Sections = append(out.Sections, SectionJSON(sec))
	}
	for _, f := range s.Fields {
		fj := FieldJSON{Key: f.Key, Label: f.Label, Help: f.Help, Kind: string(f.Kind), Required: f.Required,
			Secret: f.Secret, Options: f.Options, View: string(f.View), Section: f.Section, Min: f.Min, Max: f.Max, Fixed: f.Fixed}
		if f.Default != "" {
			d := f.Default
			fj.Default = &d
		}
		if c := f.ShowWhen; c != nil {
			fj.ShowWhen = &ConditionJSON{Field: c.Field, Values: c.Values}
		}
		out.Fields = append(out.Fields, fj)
	}
	for _, c := range s.Conversions {
		cj := ConversionJSON{To: c.To, Notes: c.Notes, Settings: make([]MappingJSON, 0, len(c.Settings))}
		for _, m := range c.Settings {
			cj.Settings = append(cj.Settings, MappingJSON(m))
		}
		out.Conversions = append(out.Conversions, cj)
	}
	return out
}

// Spec returns the schema j describes. It does not check it.
func (j SpecJSON) Spec() schema.Spec {
	s := schema.Spec{Type: j.Type, Name: j.Name, Description: j.Description, Version: j.Version}
	for _, sec := range j.Sections {
		s.Sections = append(s.Sections, schema.Section(sec))
	}
	for _, f := range j.Fields {
		fd := schema.Field{Key: f.Key, Label: f.Label, Help: f.Help, Kind: schema.Kind(f.Kind),
			Required: f.Required, Secret: f.Secret, Options: f.Options, View: schema.View(f.View),
			Section: f.Section, Min: f.Min, Max: f.Max, Fixed: f.Fixed}
		if f.Default != nil {
			fd.Default = *f.Default
		}
		if c := f.ShowWhen; c != nil {
			fd.ShowWhen = &schema.Condition{Field: c.Field, Values: c.Values}
		}
		s.Fields = append(s.Fields, fd)
	}
	for _, c := range j.Conversions {
		sc := schema.Conversion{To: c.To, Notes: c.Notes}
		for _, m := range c.Settings {
			sc.Settings = append(sc.Settings, schema.Mapping(m))
		}
		s.Conversions = append(s.Conversions, sc)
	}
	return s
}
