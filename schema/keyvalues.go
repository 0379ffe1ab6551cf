package schema

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strings"
)

// KV is one entry of a key/value list (a KindKeyValues field, such as the
// headers sent with every request): a name, its value, and whether the
// value is secret. A secret entry's value is kept like a secret field's:
// sealed at rest, never displayed (Text and Display show it as Redacted),
// scrubbed from messages. Its name is not secret and may be shown.
type KV struct {
	Name   string
	Value  string
	Secret bool
}

// KeyValuesValue returns a key/value list Value holding entries, in order.
func KeyValuesValue(entries []KV) Value {
	return Value{t: KeyValues, s: packEntries(entries)}
}

// Entries returns a copy of the entries and whether v is a key/value list.
func (v Value) Entries() ([]KV, bool) {
	if v.t != KeyValues {
		return nil, false
	}
	return v.entries(), true
}

func (v Value) entries() []KV {
	if v.t != KeyValues {
		return nil
	}
	return unpackEntries(v.s)
}

// WithEntry returns the list v with e in place of the first entry of the
// same name, or with e added at the end. A v that is no list is taken as
// an empty one.
func (v Value) WithEntry(e KV) Value {
	entries := v.entries()
	for i := range entries {
		if entries[i].Name == e.Name {
			entries[i] = e
			return KeyValuesValue(entries)
		}
	}
	return KeyValuesValue(append(entries, e))
}

// WithoutEntry returns the list v without the entries named name, and
// whether there was one.
func (v Value) WithoutEntry(name string) (Value, bool) {
	entries := v.entries()
	kept := entries[:0]
	for _, e := range entries {
		if e.Name != name {
			kept = append(kept, e)
		}
	}
	return KeyValuesValue(kept), len(kept) < len(entries)
}

// SecretEntries reports whether v is a key/value list with a secret entry.
func (v Value) SecretEntries() bool {
	for _, e := range v.entries() {
		if e.Secret {
			return true
		}
	}
	return false
}

// WithoutSecretValues returns the list v with every secret entry's value
// removed (its name and place kept): what may be kept in clear. Any other
// value is returned as it is.
func (v Value) WithoutSecretValues() Value {
	if v.t != KeyValues {
		return v
	}
	entries := v.entries()
	for i := range entries {
		if entries[i].Secret {
			entries[i].Value = ""
		}
	}
	return KeyValuesValue(entries)
}

// EntryKey names one entry of a key/value list field, as flags and files
// give it: EntryKey("headers", "X-Api-Key") is "headers.X-Api-Key".
func EntryKey(field, name string) string { return field + "." + name }

// Entry reads an entry key: the key/value list field it names and the
// entry's name (which may be empty). It is false for any other key.
func (s Spec) Entry(key string) (Field, string, bool) {
	list, name, ok := strings.Cut(key, ".")
	if !ok {
		return Field{}, "", false
	}
	f, found := s.Field(list)
	if !found || f.Kind != KindKeyValues {
		return Field{}, "", false
	}
	return f, name, true
}

// entryJSON is an entry in EncodeEntries's form.
type entryJSON struct {
	Name   string `json:"name"`
	Value  string `json:"value"`
	Secret bool   `json:"secret,omitempty"`
}

// EncodeEntries returns entries as text to store: a JSON array of
// {"name", "value", "secret"} objects, in order. It holds every value it
// is given, secret ones included: seal it, or encode a list
// WithoutSecretValues.
func EncodeEntries(entries []KV) string {
	out := make([]entryJSON, 0, len(entries))
	for _, e := range entries {
		out = append(out, entryJSON(e))
	}
	b, _ := json.Marshal(out) // strings and bools: cannot fail
	return string(b)
}

// DecodeEntries reads what EncodeEntries wrote. Its error never quotes the
// text.
func DecodeEntries(text string) ([]KV, error) {
	var in []entryJSON
	if err := json.Unmarshal([]byte(text), &in); err != nil {
		return nil, fmt.Errorf("not a stored key/value list")
	}
	out := make([]KV, 0, len(in))
	for _, e := range in {
		out = append(out, KV(e))
	}
	return out, nil
}

// packEntries encodes entries losslessly (any bytes), for Value: a flag
// byte, then the name and the value, each after its length.
func packEntries(entries []KV) string {
	var b []byte
	for _, e := range entries {
		flag := byte(0)
		if e.Secret {
			flag = 1
		}
		b = append(b, flag)
		b = binary.AppendUvarint(b, uint64(len(e.Name)))
		b = append(b, e.Name...)
		b = binary.AppendUvarint(b, uint64(len(e.Value)))
		b = append(b, e.Value...)
	}
	return string(b)
}

func unpackEntries(s string) []KV {
	var out []KV
	b := []byte(s)
	next := func() string {
		n, k := binary.Uvarint(b)
		if k <= 0 || uint64(len(b)-k) < n {
			b = nil
			return ""
		}
		text := string(b[k : k+int(n)])
		b = b[k+int(n):]
		return text
	}
	for len(b) > 0 {
		secret := b[0] == 1
		b = b[1:]
		name := next()
		value := next()
		out = append(out, KV{Name: name, Value: value, Secret: secret})
	}
	return out
}

// displayEntries shows entries as "name=value, name=value", each secret
// entry's value as Redacted.
func displayEntries(entries []KV) string {
	parts := make([]string, 0, len(entries))
	for _, e := range entries {
		value := e.Value
		if e.Secret {
			value = Redacted
		}
		parts = append(parts, e.Name+"="+value)
	}
	return strings.Join(parts, ", ")
}

// parseEntries reads NAME=VALUE lines (blank lines skipped) as entries that
// are not secret. Its error never quotes the text.
func parseEntries(f Field, text string) (Value, error) {
	var entries []KV
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSuffix(line, "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		name, value, ok := strings.Cut(line, "=")
		if !ok {
			return Value{}, fmt.Errorf("%s: write each entry as NAME=VALUE, one a line", f.Key)
		}
		entries = append(entries, KV{Name: name, Value: value})
	}
	return KeyValuesValue(entries), nil
}
