package schema

import (
	"fmt"
	"regexp"
)

// Spec describes a connector type: what it is and the settings it needs.
type Spec struct {
	Type        string // connector type id, e.g. "twitter-ads"
	Name        string // display name, e.g. "Twitter Ads"
	Description string
	Version     string // the plugin's semantic version
	Fields      []Field
}

var typeID = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)

// ValidType reports whether id is a well-formed connector type id: lower-case
// letters and digits in words joined by single hyphens.
func ValidType(id string) bool { return typeID.MatchString(id) }

// Field returns the field with the given key.
func (s Spec) Field(key string) (Field, bool) {
	for _, f := range s.Fields {
		if f.Key == key {
			return f, true
		}
	}
	return Field{}, false
}

// SecretKeys returns the keys of the secret fields, in spec order.
func (s Spec) SecretKeys() []string {
	var keys []string
	for _, f := range s.Fields {
		if f.Secret {
			keys = append(keys, f.Key)
		}
	}
	return keys
}

// Check reports what is wrong with the spec itself: a bad type id, missing
// names, a bad field, or a key used twice.
func (s Spec) Check() error {
	if !ValidType(s.Type) {
		return fmt.Errorf("connector type %q: want lower-case words joined by hyphens", s.Type)
	}
	if s.Name == "" {
		return fmt.Errorf("connector %s: empty display name", s.Type)
	}
	if s.Version == "" {
		return fmt.Errorf("connector %s: empty version", s.Type)
	}
	seen := make(map[string]bool, len(s.Fields))
	for _, f := range s.Fields {
		if err := f.Check(); err != nil {
			return fmt.Errorf("connector %s: %w", s.Type, err)
		}
		if seen[f.Key] {
			return fmt.Errorf("connector %s: field key %q used twice", s.Type, f.Key)
		}
		seen[f.Key] = true
	}
	return nil
}
