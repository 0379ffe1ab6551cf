package plugins

import (
	"encoding/json"

	"github.com/openintegrator/integrator/schema"
)

// specCacheVersion is bumped whenever the cached form changes; an entry of
// another version is a cache miss, never an error.
const specCacheVersion = 1

// cachedSpec is how a plugin's schema is kept in the store, with explicit
// names so that renaming a Go field never garbles an old cache silently.
type cachedSpec struct {
	V           int           `json:"v"`
	Type        string        `json:"type"`
	Name        string        `json:"name"`
	Description string        `json:"description"`
	Version     string        `json:"version"`
	Fields      []cachedField `json:"fields"`
}

type cachedField struct {
	Key      string   `json:"key"`
	Label    string   `json:"label"`
	Help     string   `json:"help"`
	Kind     string   `json:"kind"`
	Required bool     `json:"required,omitempty"`
	Secret   bool     `json:"secret,omitempty"`
	Default  string   `json:"default,omitempty"`
	Options  []string `json:"options,omitempty"`
	View     string   `json:"view"`
}

func encodeSpec(s schema.Spec) string {
	c := cachedSpec{V: specCacheVersion, Type: s.Type, Name: s.Name, Description: s.Description, Version: s.Version,
		Fields: make([]cachedField, 0, len(s.Fields))}
	for _, f := range s.Fields {
		c.Fields = append(c.Fields, cachedField{Key: f.Key, Label: f.Label, Help: f.Help, Kind: string(f.Kind),
			Required: f.Required, Secret: f.Secret, Default: f.Default, Options: f.Options, View: string(f.View)})
	}
	b, _ := json.Marshal(c) // plain strings and bools: cannot fail
	return string(b)
}

// decodeSpec returns the cached schema, or false when text is empty, of
// another cache version, or not a valid schema.
func decodeSpec(text string) (schema.Spec, bool) {
	var c cachedSpec
	if text == "" || json.Unmarshal([]byte(text), &c) != nil || c.V != specCacheVersion {
		return schema.Spec{}, false
	}
	s := schema.Spec{Type: c.Type, Name: c.Name, Description: c.Description, Version: c.Version}
	for _, f := range c.Fields {
		s.Fields = append(s.Fields, schema.Field{Key: f.Key, Label: f.Label, Help: f.Help, Kind: schema.Kind(f.Kind),
			Required: f.Required, Secret: f.Secret, Default: f.Default, Options: f.Options, View: schema.View(f.View)})
	}
	if s.Check() != nil {
		return schema.Spec{}, false
	}
	return s, true
}
