package schema

import (
	"fmt"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Validate checks c against the spec and returns every problem at once, in
// field order, then unknown keys in sorted order. A field whose value is
// missing and that has a default is not missing.
//
// The checks are generic: required fields present, values of the field's
// kind, enum values among the options, ints within their range, URLs
// absolute http(s), no leading or trailing whitespace in one-line values,
// key/value list entries named and their secret values given, and no keys
// the spec does not know. A field that does not apply (see Shown) is
// neither required nor checked, and a value given for it is an error
// (CodeNotApplicable): it would be saved and never used, and it is
// usually a sign that the field it depends on is not what the user meant.
// A fixed field (Field.Fixed) takes its default only (CodeFixed): a
// script that sets it to that value keeps working.
// Connector-specific rules belong to the connector's own Validate, which
// usually starts with this one.
func (s Spec) Validate(c Config) Diagnostics {
	var ds Diagnostics
	shown := s.Shown(c)
	for _, f := range s.Fields {
		v := c[f.Key]
		if !shown[f.Key] {
			if !unset(f, v) {
				ds = append(ds, Errorf(f.Key, CodeNotApplicable, "leave it out, or change "+f.ShowWhen.Field,
					"%s applies only when %s", f.Label, f.ShowWhen))
			}
			continue
		}
		if unset(f, v) {
			if f.Required && f.Default == "" {
				ds = append(ds, Errorf(f.Key, CodeMissingRequired, fillHint(f), "%s is required", f.Label))
			}
			continue
		}
		if problems := checkValue(f, v); len(problems) > 0 {
			ds = append(ds, problems...)
			continue
		}
		if f.Fixed && !isDefault(f, v) {
			ds = append(ds, Errorf(f.Key, CodeFixed, "leave it out: "+s.Name+" always uses "+f.Default,
				"%s cannot be changed from %s", f.Label, f.Default))
		}
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

// isDefault reports whether v is f's default, as typed.
func isDefault(f Field, v Value) bool {
	d, err := ParseValue(f, f.Default)
	return err == nil && d.t == v.t && d.Text() == v.Text()
}

func fillHint(f Field) string {
	switch {
	case f.Secret && f.Kind == KindText:
		return "pass it with --secret-file " + f.Key + "=FILE, --secret-env " + f.Key + "=ENVVAR or --secrets-file"
	case f.Secret:
		return "enter it at the prompt, or pass it with --secret-env " + f.Key + "=ENVVAR or --secrets-file"
	case f.Kind == KindKeyValues:
		return "add entries with --set " + f.Key + ".NAME=VALUE, or --secret-env " + f.Key + ".NAME=ENVVAR for a secret value"
	}
	return "set it with --set " + f.Key + "=VALUE"
}

func checkValue(f Field, v Value) Diagnostics {
	want := map[Kind]ValueType{KindBool: Bool, KindInt: Int, KindKeyValues: KeyValues}[f.Kind]
	if want == Null {
		want = String
	}
	if v.t != want {
		if want == KeyValues {
			return Diagnostics{Errorf(f.Key, CodeWrongKind, fillHint(f), "%s must be a list of named values, not a %s value", f.Label, v.t)}
		}
		return Diagnostics{Errorf(f.Key, CodeWrongKind, "", "%s must be a %s value, not a %s", f.Label, want, v.t)}
	}
	switch want {
	case Int:
		switch {
		case f.inRange(v.i):
		case f.Secret:
			return Diagnostics{Errorf(f.Key, CodeOutOfRange, "use a whole number, "+f.RangeText(),
				"%s is out of its range (%s)", f.Label, f.RangeText())}
		default:
			return Diagnostics{Errorf(f.Key, CodeOutOfRange, "use a whole number, "+f.RangeText(),
				"%s is %d, out of its range (%s)", f.Label, v.i, f.RangeText())}
		}
		return nil
	case KeyValues:
		return checkEntries(f, v.entries())
	case Bool:
		return nil
	}
	if f.Kind == KindText {
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

// checkEntries checks every entry of a key/value list: a name that is
// printable, valid UTF-8 and without surrounding spaces, a value of valid
// UTF-8, and a value for each secret entry. Each problem is a diagnostic of
// its own; a message names an entry by its name (names are not secret) or
// its place, never by its value.
func checkEntries(f Field, entries []KV) Diagnostics {
	var ds Diagnostics
	for i, e := range entries {
		at := fmt.Sprintf("entry %d of %s", i+1, f.Label)
		switch {
		case e.Name == "":
			ds = append(ds, Errorf(f.Key, CodeBadEntry, "write it as "+EntryKey(f.Key, "NAME")+"=VALUE", "%s has no name", at))
			continue
		case !utf8.ValidString(e.Name) || strings.ContainsFunc(e.Name, unicode.IsControl):
			ds = append(ds, Errorf(f.Key, CodeBadEntry, "use printable characters", "the name of %s holds a control character or invalid UTF-8", at))
			continue
		case strings.TrimFunc(e.Name, unicode.IsSpace) != e.Name:
			ds = append(ds, Errorf(f.Key, CodeBadEntry, "remove the spaces", "the name %q of %s starts or ends with whitespace", e.Name, at))
			continue
		}
		key := EntryKey(f.Key, e.Name)
		switch {
		case e.Secret && e.Value == "":
			ds = append(ds, Errorf(f.Key, CodeMissingRequired,
				"pass it with --secret-env "+key+"=ENVVAR, --secret-file "+key+"=FILE or --secrets-file, or remove the entry with --unset "+key,
				"the secret value of %s is not given", key))
		case !utf8.ValidString(e.Value):
			ds = append(ds, Errorf(f.Key, CodeBadEntry, "give the value as UTF-8 text", "the value of %s is not valid UTF-8", key))
		}
	}
	return ds
}
