package schema

import (
	"fmt"
	"sort"
	"strings"
)

// Config holds the values of a connection, keyed by field key.
//
// Printing a Config with the fmt package shows its keys only.
type Config map[string]Value

// Keys returns the keys in sorted order.
func (c Config) Keys() []string {
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Text returns the value of key as text, or "" when it is absent.
func (c Config) Text(key string) string { return c[key].Text() }

// Has reports whether key holds a non-null value.
func (c Config) Has(key string) bool {
	v, ok := c[key]
	return ok && !v.IsNull()
}

// WithDefaults returns a copy of c in which every field that applies (see
// Spec.Shown), has a default and no value holds its default. An empty
// string counts as no value, as in Validate, except for text fields.
func (c Config) WithDefaults(s Spec) Config {
	out := make(Config, len(c)+len(s.Fields))
	for k, v := range c {
		out[k] = v
	}
	shown := s.Shown(c)
	for _, f := range s.Fields {
		if f.Default == "" || !shown[f.Key] || (out.Has(f.Key) && (f.Kind == KindText || out.Text(f.Key) != "")) {
			continue
		}
		if v, err := ParseValue(f, f.Default); err == nil {
			out[f.Key] = v
		}
	}
	return out
}

// String lists the keys only; values are never shown.
func (c Config) String() string { return "schema.Config{" + strings.Join(c.Keys(), ", ") + "}" }

// GoString lists the keys only; values are never shown.
func (c Config) GoString() string { return c.String() }

// Format makes every fmt verb print the key list only.
func (c Config) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }
