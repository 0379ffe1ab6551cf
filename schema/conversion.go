package schema

import (
	"errors"
	"fmt"
)

// Conversion declares how a connection of a spec's type becomes a
// connection of type To, keeping what it is for: the source connector
// says, setting by setting, where each value of the target comes from.
// The target's settings the conversion does not give keep the target's
// defaults; the source's settings it does not read are left behind.
type Conversion struct {
	To       string    // the target connector type
	Settings []Mapping // the target's settings, in the order a user reads them
	// Notes say, a sentence each, what a converted connection does
	// differently from the source: a front end shows them before and
	// after converting.
	Notes []string
}

// Mapping gives one setting of the target its value: exactly one of From,
// Value and Template is set.
type Mapping struct {
	Key string // the target's setting
	// From names a setting of the source whose value is carried over as
	// it is (its default when it has no value; left out when it has
	// neither). A secret is carried over only into a secret setting.
	From string
	// Value is a value as a user would type it.
	Value string
	// Template is text with the values of the source's non-secret
	// settings in it: see Template.
	Template string
}

// ErrNoConversion is wrapped by the error of Convert when the spec
// declares no conversion to the target's type.
var ErrNoConversion = errors.New("no conversion declared")

// Conversion returns the spec's conversion to connector type to.
func (s Spec) Conversion(to string) (Conversion, bool) {
	for _, c := range s.Conversions {
		if c.To == to {
			return c, true
		}
	}
	return Conversion{}, false
}

// ConversionTargets lists the types the spec converts to, in its order.
func (s Spec) ConversionTargets() []string {
	var out []string
	for _, c := range s.Conversions {
		out = append(out, c.To)
	}
	return out
}

// Reads lists the source settings the conversion reads, From and Template
// alike, each once, in the order the mappings name them.
func (c Conversion) Reads() []string {
	var out []string
	seen := map[string]bool{}
	add := func(k string) {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	for _, m := range c.Settings {
		switch {
		case m.From != "":
			add(m.From)
		case m.Template != "":
			keys, _ := Template(m.Template).Keys()
			for _, k := range keys {
				add(k)
			}
		}
	}
	return out
}

// checkConversions reports what is wrong with the spec's conversions: a
// bad or repeated target type, the spec's own type, no settings, a setting
// given twice or not exactly one way, a source setting the spec does not
// have, a template that does not parse or that names a secret.
func (s Spec) checkConversions() error {
	targets := map[string]bool{}
	for _, c := range s.Conversions {
		switch {
		case !ValidType(c.To):
			return fmt.Errorf("conversion to %q: want a connector type id", c.To)
		case c.To == s.Type:
			return fmt.Errorf("conversion to %s: a connection is converted to another type", c.To)
		case targets[c.To]:
			return fmt.Errorf("conversion to %s declared twice", c.To)
		case len(c.Settings) == 0:
			return fmt.Errorf("conversion to %s: no settings", c.To)
		}
		targets[c.To] = true
		keys := map[string]bool{}
		for _, m := range c.Settings {
			if err := s.checkMapping(m); err != nil {
				return fmt.Errorf("conversion to %s: setting %q: %w", c.To, m.Key, err)
			}
			if keys[m.Key] {
				return fmt.Errorf("conversion to %s: setting %q given twice", c.To, m.Key)
			}
			keys[m.Key] = true
		}
	}
	return nil
}

func (s Spec) checkMapping(m Mapping) error {
	ways := 0
	for _, v := range []string{m.From, m.Value, m.Template} {
		if v != "" {
			ways++
		}
	}
	switch {
	case m.Key == "":
		return errors.New("a mapping needs the target's key")
	case ways != 1:
		return errors.New("give exactly one of a source setting, a value and a template")
	case m.From != "":
		if _, ok := s.Field(m.From); !ok {
			return fmt.Errorf("%q is not a setting of this connector", m.From)
		}
	case m.Template != "":
		keys, err := Template(m.Template).Keys()
		if err != nil {
			return err
		}
		for _, k := range keys {
			f, ok := s.Field(k)
			switch {
			case !ok:
				return fmt.Errorf("the template names %q, which is not a setting of this connector", k)
			case f.Secret || f.Kind == KindKeyValues:
				return fmt.Errorf("the template names %s, a %s: only plain settings go into a template", k,
					map[bool]string{true: "secret", false: "key/value list"}[f.Secret])
			}
		}
	}
	return nil
}

// Convert returns the settings of a connection of type to.Type made from
// c, the settings of a connection of this spec, as the spec's conversion
// to that type declares (with this spec's defaults for what c leaves
// out). Each value is made a value of the target setting's kind.
//
// It refuses (naming settings, never a value) a conversion that is not
// declared (wrapping ErrNoConversion), a target setting that to does not
// have, a secret carried into a setting to does not keep secret, and a
// value the target setting cannot take. The result is not validated:
// that is the target connector's Validate.
func (s Spec) Convert(c Config, to Spec) (Config, error) {
	conv, ok := s.Conversion(to.Type)
	if !ok {
		return nil, fmt.Errorf("%s to %s: %w", s.Type, to.Type, ErrNoConversion)
	}
	src := c.WithDefaults(s)
	out := Config{}
	for _, m := range conv.Settings {
		tf, ok := to.Field(m.Key)
		if !ok {
			return nil, fmt.Errorf("%s has no setting %s, which the conversion from %s gives a value", to.Name, m.Key, s.Name)
		}
		v, err := s.mapped(m, src, tf)
		if err != nil {
			return nil, fmt.Errorf("%s of %s: %w", m.Key, to.Name, err)
		}
		if !v.IsNull() {
			out[m.Key] = v
		}
	}
	return out, nil
}

// mapped is the value m gives target setting tf from src; Null when its
// source setting has no value.
func (s Spec) mapped(m Mapping, src Config, tf Field) (Value, error) {
	switch {
	case m.Value != "":
		return ParseValue(tf, m.Value)
	case m.Template != "":
		text, err := Template(m.Template).Render(src)
		if err != nil {
			return Value{}, err
		}
		return ParseValue(tf, text)
	}
	sf, _ := s.Field(m.From)
	v := src[m.From]
	switch {
	case unset(sf, v):
		return Value{}, nil
	case (sf.Secret || v.SecretEntries()) && !tf.Secret && tf.Kind != KindKeyValues:
		return Value{}, fmt.Errorf("%s is secret, and the target would not keep it secret", m.From)
	case v.t == valueType(tf.Kind):
		return v, nil
	case v.t == KeyValues || tf.Kind == KindKeyValues:
		return Value{}, fmt.Errorf("%s holds a %s, and the target takes a value of kind %s", m.From, v.t, tf.Kind)
	}
	out, err := ParseValue(tf, v.Text())
	if err != nil && sf.Secret {
		return Value{}, fmt.Errorf("the value of %s is not a value of kind %s", m.From, tf.Kind)
	}
	return out, err
}

// valueType is the type of the values of a field of kind k.
func valueType(k Kind) ValueType {
	switch k {
	case KindBool:
		return Bool
	case KindInt:
		return Int
	case KindKeyValues:
		return KeyValues
	}
	return String
}
