package schema

import (
	"fmt"
	"strconv"
	"strings"
)

// ValueType is the Go type a Value carries.
type ValueType uint8

// The types a Value can carry. The zero Value is Null. The numbers are
// stored (a store keeps a value's type beside its text): never renumber.
const (
	Null ValueType = iota
	String
	Bool
	Int
	KeyValues // a key/value list: see KV
)

func (t ValueType) String() string {
	switch t {
	case String:
		return "string"
	case Bool:
		return "bool"
	case Int:
		return "int"
	case KeyValues:
		return "key/value list"
	default:
		return "null"
	}
}

// Value is one typed setting value.
//
// The fmt verbs never print the value itself (only its type), so that a
// secret cannot leak through a log line; use Text, Str, BoolVal, IntVal or
// Entries.
type Value struct {
	t ValueType
	s string // a string, or the entries of a key/value list encoded (EncodeEntries)
	b bool
	i int64
}

// StringValue returns a string Value.
func StringValue(s string) Value { return Value{t: String, s: s} }

// BoolValue returns a bool Value.
func BoolValue(b bool) Value { return Value{t: Bool, b: b} }

// IntValue returns an int Value.
func IntValue(i int64) Value { return Value{t: Int, i: i} }

// Type returns the type of the value.
func (v Value) Type() ValueType { return v.t }

// IsNull reports whether v holds nothing.
func (v Value) IsNull() bool { return v.t == Null }

// Str returns the string and whether v is a string.
func (v Value) Str() (string, bool) { return v.s, v.t == String }

// BoolVal returns the bool and whether v is a bool.
func (v Value) BoolVal() (bool, bool) { return v.b, v.t == Bool }

// IntVal returns the integer and whether v is an int.
func (v Value) IntVal() (int64, bool) { return v.i, v.t == Int }

// Text returns the value as a user would type it: the string itself, "true"
// or "false", or the decimal integer. Null is "". A key/value list is shown
// as its entries, "name=value, name=value", with each secret entry's
// value as Redacted: read its entries with Entries.
func (v Value) Text() string {
	switch v.t {
	case String:
		return v.s
	case KeyValues:
		return displayEntries(v.entries())
	case Bool:
		return strconv.FormatBool(v.b)
	case Int:
		return strconv.FormatInt(v.i, 10)
	default:
		return ""
	}
}

// String names the type only; it never shows the value.
func (v Value) String() string { return "<" + v.t.String() + " value>" }

// GoString names the type only; it never shows the value.
func (v Value) GoString() string { return "schema.Value{" + v.t.String() + "}" }

// Format makes every fmt verb print the redacted form.
func (v Value) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(v.String())) }

// ParseValue turns text typed by a user into a Value of the field's kind.
// Strings keep their text exactly, surrounding spaces included, so that
// validation can point them out instead of silently changing a credential.
// A key/value list is read from NAME=VALUE lines, its entries not secret.
func ParseValue(f Field, text string) (Value, error) {
	switch f.Kind {
	case KindBool:
		b, err := strconv.ParseBool(strings.TrimSpace(text))
		if err != nil {
			return Value{}, fmt.Errorf("%s: want true or false", f.Key)
		}
		return BoolValue(b), nil
	case KindInt:
		i, err := strconv.ParseInt(strings.TrimSpace(text), 10, 64)
		if err != nil {
			return Value{}, fmt.Errorf("%s: want a whole number", f.Key)
		}
		return IntValue(i), nil
	case KindKeyValues:
		return parseEntries(f, text)
	default:
		return StringValue(text), nil
	}
}
