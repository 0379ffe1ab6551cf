package schema

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fuzzConfig decodes a config from fuzz input: one entry per line, "T
// key=value", where T is s (string), b (bool), i (int) or n (null).
func fuzzConfig(entries string) Config {
	c := Config{}
	for _, line := range strings.Split(entries, "\n") {
		if len(line) < 2 {
			continue
		}
		key, text, _ := strings.Cut(line[2:], "=")
		switch line[0] {
		case 's':
			c[key] = StringValue(text)
		case 'b':
			c[key] = BoolValue(len(text)%2 == 1)
		case 'i':
			var n int64
			for _, r := range text {
				n = n*31 + int64(r)
			}
			c[key] = IntValue(n)
		case 'n':
			c[key] = Value{}
		}
	}
	return c
}

// fuzzField is one more field defined by fuzz input, used when it passes
// Field.Check.
func fuzzField(kind uint8, secret, required bool, def, options string) Field {
	f := Field{Key: "extra", Label: "Extra", Kind: Kinds[int(kind)%len(Kinds)], Secret: secret, Required: required,
		Default: def, View: ViewHTTP}
	if f.Kind == KindEnum {
		f.Options = strings.Split(options, ",")
	}
	return f
}

var genericCodes = []string{CodeMissingRequired, CodeWrongKind, CodeNotInEnum, CodeUnknownKey, CodeWhitespace, CodeInvalidURL}

// FuzzValidate validates arbitrary configs against a spec with a field of
// every kind (and one more field made from the input) and checks what
// validation promises: it never panics and always answers the same; every
// diagnostic is an error with a known code about one key; a spec field gets
// at most one, an unknown key exactly one; a required field without a
// default is reported missing exactly when it has no value; a secret value
// never appears in a diagnostic (unless the spec's own words contain it);
// WithDefaults fills defaults, keeps given values and is idempotent; and
// Display shows secrets as Redacted and everything else as its text.
func FuzzValidate(f *testing.F) {
	f.Add("s user=ann\ns password=pw\ni retries=3\ns region=us", uint8(0), false, false, "", "")
	f.Add("s user= ann\ns password=\nb verbose=x\ns retries=3\ns region=asia\ns endpoint=ftp://x\ns tenant=\nn notes=\ns zzz=1", uint8(4), true, true, "", "a,b")
	f.Add("s endpoint=http://\ns notes= \\n \ni user=5\ns extra=x y", uint8(5), false, true, "https://h.example", "")
	f.Add("s extra=3\nb password=1", uint8(3), false, false, "7", "")
	f.Add("s region=eu\ns region=us\ns =\nn =", uint8(4), false, false, "b", "a,b,")
	f.Fuzz(func(t *testing.T, entries string, kind uint8, secret, required bool, def, options string) {
		spec := testSpec()
		if extra := fuzzField(kind, secret, required, def, options); extra.Check() == nil {
			spec.Fields = append(spec.Fields, extra)
		}
		if err := spec.Check(); err != nil {
			t.Fatalf("the test spec is invalid: %v", err)
		}
		cfg := fuzzConfig(entries)

		ds := spec.Validate(cfg)
		if again := spec.Validate(cfg); !cmp.Equal(ds, again) {
			t.Fatalf("Validate is not deterministic:\n%v\n%v", ds, again)
		}
		perKey := map[string]int{}
		for _, d := range ds {
			if d.Severity != SeverityError || d.Summary == "" || !slices.Contains(genericCodes, d.Code) {
				t.Fatalf("diagnostic %+v", d)
			}
			perKey[d.Field]++
			_, inSpec := spec.Field(d.Field)
			_, inCfg := cfg[d.Field]
			switch {
			case d.Code == CodeUnknownKey && (inSpec || !inCfg):
				t.Fatalf("unknown_key for %q (in spec %v, in config %v)", d.Field, inSpec, inCfg)
			case d.Code != CodeUnknownKey && !inSpec:
				t.Fatalf("%s about %q, which is no field", d.Code, d.Field)
			}
		}
		for k := range cfg {
			if _, ok := spec.Field(k); !ok && perKey[k] != 1 {
				t.Fatalf("unknown key %q has %d diagnostics, want 1", k, perKey[k])
			}
		}
		for _, fd := range spec.Fields {
			if perKey[fd.Key] > 1 {
				t.Fatalf("field %s has %d diagnostics", fd.Key, perKey[fd.Key])
			}
			v, ok := cfg[fd.Key]
			empty := !ok || v.IsNull() || (v.Type() == String && v.Text() == "" && fd.Kind != KindText)
			missing := slices.ContainsFunc(ds, func(d Diagnostic) bool { return d.Field == fd.Key && d.Code == CodeMissingRequired })
			if want := empty && fd.Required && fd.Default == ""; missing != want {
				t.Fatalf("field %s: missing_required %v, want %v", fd.Key, missing, want)
			}
		}
		checkNoSecretInDiagnostics(t, spec, cfg, ds)

		full := cfg.WithDefaults(spec)
		for k, v := range cfg {
			fd, known := spec.Field(k)
			unset := v.IsNull() || (known && fd.Default != "" && fd.Kind != KindText && v.Type() == String && v.Text() == "")
			if !unset && full[k] != v {
				t.Fatalf("WithDefaults changed %s", k)
			}
		}
		for _, fd := range spec.Fields {
			if fd.Default != "" && !full.Has(fd.Key) {
				t.Fatalf("WithDefaults left %s without its default", fd.Key)
			}
		}
		if again := full.WithDefaults(spec); !cmp.Equal(full, again, cmp.AllowUnexported(Value{})) {
			t.Fatal("WithDefaults is not idempotent")
		}

		shown := spec.Display(cfg)
		for k, text := range shown {
			fd, ok := spec.Field(k)
			switch {
			case !ok:
				t.Fatalf("Display shows %q, which is no field", k)
			case fd.Secret && text != Redacted:
				t.Fatalf("Display shows the secret %s", k)
			case !fd.Secret && text != cfg.Text(k):
				t.Fatalf("Display shows %s as %q, not its value", k, text)
			}
		}
	})
}

// checkNoSecretInDiagnostics fails when the value of a secret field
// appears in a diagnostic, unless the value is so short or so plain that
// the spec's own words (labels, help, keys, options) or the config's keys
// contain it.
func checkNoSecretInDiagnostics(t *testing.T, spec Spec, cfg Config, ds Diagnostics) {
	t.Helper()
	var words []string
	for _, fd := range spec.Fields {
		words = append(words, fd.Key, fd.Label, fd.Help, fd.Default, string(fd.Kind), fillHint(fd))
		words = append(words, fd.Options...)
	}
	words = append(words, spec.Type, spec.Name)
	words = append(words, cfg.Keys()...)
	static := strings.Join(words, "\x00") + strings.Join(genericCodes, "\x00")
	for _, fd := range spec.Fields {
		v := cfg.Text(fd.Key)
		if !fd.Secret || len(v) < 4 || strings.Contains(static, v) {
			continue
		}
		for _, d := range ds {
			if strings.Contains(d.Summary, v) || strings.Contains(d.Detail, v) {
				t.Fatalf("the value of secret %s appears in %+v", fd.Key, d)
			}
		}
	}
}
