package schema

import (
	"fmt"
	"strings"
)

// Kind is the type of value a field holds.
type Kind string

// The kinds a field can have.
const (
	KindString    Kind = "string" // one line of text
	KindText      Kind = "text"   // free text that may span lines (a form shows a text area): a PEM key, a body
	KindBool      Kind = "bool"
	KindInt       Kind = "int"       // a whole number, within Min and Max when they are set
	KindEnum      Kind = "enum"      // one of Field.Options
	KindURL       Kind = "url"       // an absolute http(s) URL
	KindKeyValues Kind = "keyvalues" // an ordered list of named values, each of them secret or not (see KV)
)

// Kinds lists every kind in a stable order.
var Kinds = []Kind{KindString, KindText, KindBool, KindInt, KindEnum, KindURL, KindKeyValues}

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
	Required bool     // a connection cannot be saved without it, when the field applies (see ShowWhen)
	Secret   bool     // encrypted at rest, never displayed, re-entered on every edit
	Default  string   // the value used when none is given, as the user would type it
	Options  []string // the allowed values of an enum field
	View     View     // the form section the field belongs to
	Section  string   // the key of the Spec's Section the field is shown in; "" when the spec has none
	// ShowWhen, when set, makes the field apply only while another field
	// has one of some values: a form hides it otherwise, and validation
	// neither requires nor checks it (a value given for it is an error).
	ShowWhen *Condition
	Min, Max *int64 // the smallest and the largest value of an int field, when bounded
	// Fixed makes Default the field's only value: it is shown (a form shows
	// it read-only), never asked for, and Validate refuses any other value.
	// A connector uses it to show a setting that other connectors let the
	// user choose, with the one value it always uses (Twitter Ads signs
	// with HMAC-SHA1, which the universal HTTP connector makes a choice).
	Fixed bool
}

// Condition names another field and the values for which a field applies.
type Condition struct {
	Field  string   // the key of an enum or bool field earlier in the spec, not secret
	Values []string // its values, as typed ("true" or "false" for a bool)
}

// String says the condition in words: "signature_method is RSA-SHA1,
// RSA-SHA256 or RSA-SHA512".
func (c Condition) String() string {
	return c.Field + " is " + orList(c.Values)
}

// orList joins words as "a", "a or b", "a, b or c".
func orList(words []string) string {
	if len(words) <= 1 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

// Check reports what is wrong with the field definition itself. What
// depends on other fields (a condition's field, sections) is checked by
// Spec.Check.
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
	case f.Kind == KindKeyValues && f.Secret:
		return fmt.Errorf("field %q: a key/value list is not secret as a whole: each entry's value is secret or not", f.Key)
	case f.Kind == KindKeyValues && f.Default != "":
		return fmt.Errorf("field %q: a key/value list cannot have a default", f.Key)
	case f.Kind == KindKeyValues && strings.Contains(f.Key, "."):
		return fmt.Errorf("field %q: the key of a key/value list cannot hold a dot (KEY.NAME names one of its entries)", f.Key)
	case f.Kind != KindInt && (f.Min != nil || f.Max != nil):
		return fmt.Errorf("field %q: a minimum or maximum on a %s field", f.Key, f.Kind)
	case f.Min != nil && f.Max != nil && *f.Min > *f.Max:
		return fmt.Errorf("field %q: minimum %d is above maximum %d", f.Key, *f.Min, *f.Max)
	case f.Fixed && f.Default == "":
		return fmt.Errorf("field %q: a fixed field needs its value as its default", f.Key)
	case f.Fixed && f.Required:
		return fmt.Errorf("field %q: a fixed field is never required: its default is its value", f.Key)
	}
	if c := f.ShowWhen; c != nil && (c.Field == "" || len(c.Values) == 0) {
		return fmt.Errorf("field %q: a condition needs a field and at least one value", f.Key)
	}
	if f.Default != "" {
		v, err := ParseValue(f, f.Default)
		if err != nil {
			return fmt.Errorf("field %q: default: %w", f.Key, err)
		}
		if i, ok := v.IntVal(); ok && !f.inRange(i) {
			return fmt.Errorf("field %q: default %d is out of its range (%s)", f.Key, i, f.RangeText())
		}
	}
	return nil
}

// inRange reports whether i is within the field's Min and Max.
func (f Field) inRange(i int64) bool {
	return (f.Min == nil || i >= *f.Min) && (f.Max == nil || i <= *f.Max)
}

// RangeText says an int field's bounds in words ("1 to 25", "at least 1",
// "at most 25"), or "" when it has none.
func (f Field) RangeText() string {
	switch {
	case f.Min != nil && f.Max != nil:
		return fmt.Sprintf("%d to %d", *f.Min, *f.Max)
	case f.Min != nil:
		return fmt.Sprintf("at least %d", *f.Min)
	case f.Max != nil:
		return fmt.Sprintf("at most %d", *f.Max)
	}
	return ""
}
