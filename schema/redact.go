package schema

import "strings"

// Redacted is what is shown instead of a secret value that is set.
const Redacted = "(set)"

// Display returns the config as a user may see it: every value as text, and
// every secret field that holds a value as Redacted. Secret fields without a
// value are left out, as are keys the spec does not know. A key/value list
// shows as Value.Text does: its entries, each secret value as Redacted.
func (s Spec) Display(c Config) map[string]string {
	out := make(map[string]string, len(c))
	for _, f := range s.Fields {
		if !c.Has(f.Key) {
			continue
		}
		if f.Secret {
			out[f.Key] = Redacted
			continue
		}
		out[f.Key] = c.Text(f.Key)
	}
	return out
}

// Scrubber replaces secret values in text, for error messages and logs that
// may echo what a server or a library said.
type Scrubber struct{ secrets []string }

// NewScrubber returns a Scrubber for the secret values of c under s: those
// of secret fields and of the secret entries of key/value lists. Values
// shorter than four bytes are not scrubbed: they would mangle ordinary text
// and cannot identify a credential anyway.
func NewScrubber(s Spec, c Config) *Scrubber {
	sc := &Scrubber{}
	add := func(v string) {
		if len(v) >= 4 {
			sc.secrets = append(sc.secrets, v)
		}
	}
	for _, f := range s.Fields {
		switch {
		case f.Secret:
			add(c.Text(f.Key))
		case f.Kind == KindKeyValues:
			for _, e := range c[f.Key].entries() {
				if e.Secret {
					add(e.Value)
				}
			}
		}
	}
	return sc
}

// Scrub returns text with every secret value replaced by "[redacted]".
func (sc *Scrubber) Scrub(text string) string {
	for _, v := range sc.secrets {
		text = strings.ReplaceAll(text, v, "[redacted]")
	}
	return text
}
