package schema

import "fmt"

// Kind is the type of value a field holds.
type Kind string

// The kinds a field can have.
const (
	KindString Kind = "string" // one line of text
	KindText   Kind = "text"   // free text, may span lines
	KindBool   Kind = "bool"
	KindInt    Kind = "int"
	KindEnum   Kind = "enum" // one of Field.Options
	KindURL    Kind = "url"  // an absolute http(s) URL
)

// Kinds lists every kind in a stable order.
var Kinds = []Kind{KindString, KindText, KindBool, KindInt, KindEnum, KindURL}

// Valid reports whether k is one of the known kinds.
func (k Kind) Valid() bool {
	for _, known := range Kinds {
		if k == known {
			return true
		}
	}
	return false
}

// View groups fields the way a connection form shows them.
type View string

// The views a field can belong to.
const (
	ViewSimple View = "simple" // the fields every user fills
	ViewHTTP   View = "http"   // advanced HTTP settings, all optional
)

// Valid reports whether v is a known view.
func (v View) Valid() bool { return v == ViewSimple || v == ViewHTTP }

// Field is one setting of a connection.
type Field struct {
	Key      string   // stable identifier; scripts depend on it
	Label    string   // short human name
	Help     string   // where to find the value and what it is for
	Kind     Kind     // the type of value
	Required bool     // a connection cannot be saved without it
	Secret   bool     // encrypted at rest, never displayed, re-entered on every edit
	Default  string   // the value used when none is given, as the user would type it
	Options  []string // the allowed values of an enum field
	View     View     // the form section the field belongs to
}

// Check reports what is wrong with the field definition itself.
func (f Field) Check() error {
	switch {
	case f.Key == "":
		return fmt.Errorf("field %q: empty key", f.Label)
	case !f.Kind.Valid():
		return fmt.Errorf("field %q: unknown kind %q", f.Key, f.Kind)
	case !f.View.Valid():
		return fmt.Errorf("field %q: unknown view %q", f.Key, f.View)
	case f.Kind == KindEnum && len(f.Options) == 0:
		return fmt.Errorf("field %q: enum without options", f.Key)
	case f.Kind != KindEnum && len(f.Options) > 0:
		return fmt.Errorf("field %q: options on a %s field", f.Key, f.Kind)
	case f.Secret && f.Default != "":
		return fmt.Errorf("field %q: a secret field cannot have a default", f.Key)
	}
	if f.Default != "" {
		if _, err := ParseValue(f, f.Default); err != nil {
			return fmt.Errorf("field %q: default: %w", f.Key, err)
		}
	}
	return nil
}
