package plugins

import "github.com/openintegrator/integrator/schema"

// SpecJSON is the one JSON form of a plugin's schema: what
// 'connectors show --json' prints and, with a version beside it, what the
// schema cache keeps. Its names are explicit, so that renaming a Go field
// changes neither the output nor the cache.
type SpecJSON struct {
	Type        string      `json:"type"`
	Name        string      `json:"name"`
	Description string      `json:"description"`
	Version     string      `json:"version"`
	Fields      []FieldJSON `json:"fields"`
}

// FieldJSON is a setting in SpecJSON.
type FieldJSON struct {
	Key      string   `json:"key"`
	Label    string   `json:"label"`
	Help     string   `json:"help"`
	Kind     string   `json:"kind"`
	Required bool     `json:"required"`
	Secret   bool     `json:"secret"`
	Default  *string  `json:"default"` // null when the setting has no default
	Options  []string `json:"options,omitempty"`
	View     string   `json:"view"`
}

// NewSpecJSON returns the JSON form of s.
func NewSpecJSON(s schema.Spec) SpecJSON {
	out := SpecJSON{Type: s.Type, Name: s.Name, Description: s.Description, Version: s.Version,
		Fields: make([]FieldJSON, 0, len(s.Fields))}
	for _, f := range s.Fields {
		fj := FieldJSON{Key: f.Key, Label: f.Label, Help: f.Help, Kind: string(f.Kind), Required: f.Required,
			Secret: f.Secret, Options: f.Options, View: string(f.View)}
		if f.Default != "" {
			d := f.Default
			fj.Default = &d
		}
		out.Fields = append(out.Fields, fj)
	}
	return out
}

// Spec returns the schema j describes. It does not check it.
func (j SpecJSON) Spec() schema.Spec {
	s := schema.Spec{Type: j.Type, Name: j.Name, Description: j.Description, Version: j.Version}
	for _, f := range j.Fields {
		fd := schema.Field{Key: f.Key, Label: f.Label, Help: f.Help, Kind: schema.Kind(f.Kind),
			Required: f.Required, Secret: f.Secret, Options: f.Options, View: schema.View(f.View)}
		if f.Default != nil {
			fd.Default = *f.Default
		}
		s.Fields = append(s.Fields, fd)
	}
	return s
}
