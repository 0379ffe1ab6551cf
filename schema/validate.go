package schema

import (
	"net/url"
	"strings"
	"unicode"
)

// Validate checks c against the spec and returns every problem at once, in
// field order, then unknown keys in sorted order. A field whose value is
// missing and that has a default is not missing.
//
// The checks are generic: required fields present, values of the field's
// kind, enum values among the options, URLs absolute http(s), no leading or
// trailing whitespace in one-line values, and no keys the spec does not
// know. Connector-specific rules belong to the connector's own Validate,
// which usually starts with this one.
func (s Spec) Validate(c Config) Diagnostics {
	var ds Diagnostics
	for _, f := range s.Fields {
		v, ok := c[f.Key]
		if !ok || v.IsNull() || (v.t == String && v.s == "" && f.Kind != KindText) {
			if f.Required && f.Default == "" {
				ds = append(ds, Errorf(f.Key, CodeMissingRequired, fillHint(f), "%s is required", f.Label))
			}
			continue
		}
		ds = append(ds, checkValue(f, v)...)
	}
	for _, k := range c.Keys() {
		if _, ok := s.Field(k); !ok {
			ds = append(ds, Errorf(k, CodeUnknownKey,
				"remove it; the known keys are listed by `connectors show "+s.Type+"`",
				"%q is not a setting of %s", k, s.Name))
		}
	}
	return ds
}

func fillHint(f Field) string {
	if f.Secret {
		return "enter it at the prompt, or pass it with --secret-env " + f.Key + "=ENVVAR or --secrets-file"
	}
	return "set it with --set " + f.Key + "=VALUE"
}

func checkValue(f Field, v Value) Diagnostics {
	want := map[Kind]ValueType{KindBool: Bool, KindInt: Int}[f.Kind]
	if want == Null {
		want = String
	}
	if v.t != want {
		return Diagnostics{Errorf(f.Key, CodeWrongKind, "", "%s must be a %s value, not a %s", f.Label, want, v.t)}
	}
	if want != String || f.Kind == KindText {
		return nil
	}
	if strings.TrimFunc(v.s, unicode.IsSpace) != v.s {
		return Diagnostics{Errorf(f.Key, CodeWhitespace, "remove the spaces or line breaks, often left over from copy and paste",
			"%s starts or ends with whitespace", f.Label)}
	}
	switch f.Kind {
	case KindEnum:
		for _, o := range f.Options {
			if v.s == o {
				return nil
			}
		}
		if f.Secret {
			return Diagnostics{Errorf(f.Key, CodeNotInEnum, "choose one of: "+strings.Join(f.Options, ", "),
				"%s is not one of its options", f.Label)}
		}
		return Diagnostics{Errorf(f.Key, CodeNotInEnum, "choose one of: "+strings.Join(f.Options, ", "),
			"%s has no option %q", f.Label, v.s)}
	case KindURL:
		u, err := url.Parse(v.s)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return Diagnostics{Errorf(f.Key, CodeInvalidURL, "write it as https://host[:port][/path]",
				"%s is not an absolute http(s) URL", f.Label)}
		}
	}
	return nil
}
