package schema

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Spec describes a connector type: what it is and the settings it needs.
type Spec struct {
	Type        string // connector type id, e.g. "twitter-ads"
	Name        string // display name, e.g. "Twitter Ads"
	Description string
	Version     string // the plugin's semantic version
	// Sections, in the order a form shows them. A spec without sections
	// is shown by View; a spec with sections puts every field in one.
	Sections []Section
	Fields   []Field
	// Conversions say how a connection of this type becomes one of
	// another type (see Conversion), in the order a front end offers them.
	Conversions []Conversion
}

// Section is a group of fields a form shows under a title.
type Section struct {
	Key      string // stable identifier, named by Field.Section
	Title    string // e.g. "OAuth 1.0"
	Help     string // what the section's settings are for
	Advanced bool   // settings most connections leave as they are: a form shows the section collapsed
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

// Section returns the section with the given key.
func (s Spec) Section(key string) (Section, bool) {
	for _, sec := range s.Sections {
		if sec.Key == key {
			return sec, true
		}
	}
	return Section{}, false
}

// SecretKeys returns the keys of the secret fields, in spec order. Secret
// entries of key/value lists are not fields: see KV.
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
// names, a bad field, a key used twice, a section that is not declared or
// a field without one, a condition on a field that is not an earlier enum
// or bool field, or a value such a field cannot have, or a conversion that
// is not well formed (see Conversion).
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
	sections := make(map[string]bool, len(s.Sections))
	for _, sec := range s.Sections {
		switch {
		case sec.Key == "" || sec.Title == "":
			return fmt.Errorf("connector %s: section %q: a section needs a key and a title", s.Type, sec.Key)
		case sections[sec.Key]:
			return fmt.Errorf("connector %s: section key %q used twice", s.Type, sec.Key)
		}
		sections[sec.Key] = true
	}
	seen := make(map[string]Field, len(s.Fields))
	for _, f := range s.Fields {
		if err := f.Check(); err != nil {
			return fmt.Errorf("connector %s: %w", s.Type, err)
		}
		if _, dup := seen[f.Key]; dup {
			return fmt.Errorf("connector %s: field key %q used twice", s.Type, f.Key)
		}
		switch {
		case len(s.Sections) == 0 && f.Section != "":
			return fmt.Errorf("connector %s: field %q: section %q, but the spec declares no sections", s.Type, f.Key, f.Section)
		case len(s.Sections) > 0 && !sections[f.Section]:
			return fmt.Errorf("connector %s: field %q: section %q is not one of the spec's sections", s.Type, f.Key, f.Section)
		}
		if err := checkCondition(f, seen); err != nil {
			return fmt.Errorf("connector %s: field %q: %w", s.Type, f.Key, err)
		}
		seen[f.Key] = f
	}
	for _, f := range s.Fields {
		if list, _, ok := strings.Cut(f.Key, "."); ok && seen[list].Kind == KindKeyValues {
			return fmt.Errorf("connector %s: field key %q names an entry of the key/value list %s", s.Type, f.Key, list)
		}
	}
	if err := s.checkConversions(); err != nil {
		return fmt.Errorf("connector %s: %w", s.Type, err)
	}
	return nil
}

// checkCondition checks f's condition against the fields before it.
func checkCondition(f Field, before map[string]Field) error {
	c := f.ShowWhen
	if c == nil {
		return nil
	}
	on, ok := before[c.Field]
	switch {
	case !ok:
		return fmt.Errorf("its condition names %q, which is not a field before it", c.Field)
	case on.Secret:
		return fmt.Errorf("its condition names the secret field %s: a form would reveal its value", c.Field)
	case on.Kind != KindEnum && on.Kind != KindBool:
		return fmt.Errorf("its condition names %s, a %s field: a condition is on an enum or bool field", c.Field, on.Kind)
	}
	for _, v := range c.Values {
		valid := false
		if on.Kind == KindBool {
			b, err := strconv.ParseBool(v)
			valid = err == nil && strconv.FormatBool(b) == v
		}
		for _, o := range on.Options {
			valid = valid || v == o
		}
		if !valid {
			return fmt.Errorf("its condition's value %q is not a value of %s", v, c.Field)
		}
	}
	return nil
}
