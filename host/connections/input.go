package connections

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/openintegrator/integrator/schema"
)

// Input is what the user gave on the command line.
type Input struct {
	Set         []string // KEY=VALUE, non-secret fields only
	Unset       []string // KEY: remove an optional setting (edit)
	SecretEnv   []string // KEY=ENVVAR: read the value from an environment variable
	SecretsFile string   // a file of KEY=VALUE lines or a JSON object
}

// Collect applies in to base (the saved non-secret values, on edit) and
// returns the resulting config. Getenv reads --secret-env variables. Errors
// name the flag and the field, never a value.
func Collect(spec schema.Spec, base schema.Config, in Input, getenv func(string) string) (schema.Config, error) {
	cfg := schema.Config{}
	for k, v := range base {
		cfg[k] = v
	}
	var problems []string
	put := func(key, text, source string) {
		f, ok := spec.Field(key)
		if !ok {
			// Kept as text so that Validate reports it with the known keys.
			cfg[key] = schema.StringValue(text)
			return
		}
		v, err := schema.ParseValue(f, text)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s (from %s): %v", key, source, err))
			return
		}
		cfg[key] = v
	}
	for _, kv := range in.Set {
		key, val, ok := strings.Cut(kv, "=")
		if !ok || key == "" {
			problems = append(problems, fmt.Sprintf("--set %s: write it as KEY=VALUE", shownKey(key)))
			continue
		}
		if f, ok := spec.Field(key); ok && f.Secret {
			problems = append(problems, fmt.Sprintf("%s is a secret and cannot be given with --set: command lines are visible to other users and kept in shell history; "+
				"use --secret-env %s=ENVVAR, --secrets-file FILE, or leave it out to be prompted", key, key))
			continue
		}
		put(key, val, "--set")
	}
	for _, kv := range in.SecretEnv {
		if msg, ok := secretEnv(spec, kv, getenv, put); !ok {
			problems = append(problems, msg)
		}
	}
	if in.SecretsFile != "" {
		vals, err := readSecretsFile(in.SecretsFile)
		if err != nil {
			problems = append(problems, err.Error())
		}
		for _, e := range vals {
			if _, ok := spec.Field(e.key); !ok {
				problems = append(problems, fmt.Sprintf("--secrets-file %s, %s: %s is not a setting of %s (the settings are %s)",
					in.SecretsFile, e.where, shownKey(e.key), spec.Name, strings.Join(fieldKeys(spec), ", ")))
				continue
			}
			put(e.key, e.value, in.SecretsFile)
		}
	}
	for _, key := range in.Unset {
		f, ok := spec.Field(key)
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("--unset %s: %s has no such setting", key, spec.Name))
		case f.Required:
			problems = append(problems, fmt.Sprintf("--unset %s: %s is required", key, f.Label))
		default:
			delete(cfg, key)
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(problems, "\n"))
	}
	return cfg, nil
}

// secretEnv applies one --secret-env KEY=NAME. Its messages repeat KEY
// only when it is a setting of spec, and NAME only when it looks like a
// variable name (Showable): a user who pasted the secret itself in either
// place must not see it echoed.
func secretEnv(spec schema.Spec, kv string, getenv func(string) string, put func(key, text, source string)) (string, bool) {
	const hidden = " (it is not repeated here, in case it is the secret itself)"
	key, name, ok := strings.Cut(kv, "=")
	if _, known := spec.Field(key); !known {
		what := "what comes before = is not a setting of " + spec.Name + hidden
		switch {
		case Showable(key):
			what = fmt.Sprintf("%q is not a setting of %s", key, spec.Name)
		case !ok:
			what = "the argument has no = and is not a setting of " + spec.Name + hidden
		}
		return fmt.Sprintf("--secret-env: %s; write KEY=ENVVAR, with KEY one of %s and ENVVAR the name of an environment variable that holds the value",
			what, strings.Join(spec.SecretKeys(), ", ")), false
	}
	if !ok || name == "" {
		return fmt.Sprintf("--secret-env %s: write it as %s=ENVVAR, the name of an environment variable that holds the value", key, key), false
	}
	example := fmt.Sprintf("export %s=...; then --secret-env %s=%s, or leave it out to be prompted", strings.ToUpper(key), key, strings.ToUpper(key))
	switch {
	case !ValidEnvName(name):
		return fmt.Sprintf("--secret-env %s=…: what follows = is not the name of an environment variable, which is letters, digits and _%s. "+
			"Give the name of a variable that holds the value: %s", key, hidden, example), false
	case getenv(name) != "":
	case Showable(name):
		return fmt.Sprintf("--secret-env %s=%s: the environment variable %s is not set or empty", key, name, name), false
	default:
		return fmt.Sprintf("--secret-env %s=…: no environment variable of that name is set%s. "+
			"Give the name of a variable that holds the value, not the value: %s", key, hidden, example), false
	}
	source := "$" + name
	if !Showable(name) {
		source = "--secret-env " + key
	}
	put(key, getenv(name), source)
	return "", true
}

// fieldKeys lists the keys of spec's fields, in spec order.
func fieldKeys(spec schema.Spec) []string {
	out := make([]string, 0, len(spec.Fields))
	for _, f := range spec.Fields {
		out = append(out, f.Key)
	}
	return out
}

// shownKey quotes a key from a secrets file when it may be shown, and
// otherwise says that it is not.
func shownKey(key string) string {
	if Showable(key) {
		return fmt.Sprintf("%q", key)
	}
	return "the key (not shown: it does not look like a setting name)"
}

// fileEntry is one KEY=VALUE of a secrets file, with where it was.
type fileEntry struct {
	key, value string
	where      string // "line 3", or "a key of the JSON object"
}

// readSecretsFile reads a JSON object of strings, or KEY=VALUE lines (blank
// lines and lines starting with # are skipped; the value is everything after
// the first =, as is). Its messages never quote the file's content: keys
// are named only when Showable, values never.
func readSecretsFile(path string) ([]fileEntry, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--secrets-file: %w", err)
	}
	var out []fileEntry
	if trimmed := bytes.TrimSpace(b); len(trimmed) > 0 && trimmed[0] == '{' {
		var raw map[string]any
		if err := json.Unmarshal(trimmed, &raw); err != nil {
			return nil, fmt.Errorf("--secrets-file %s: not a valid JSON object (%s)", path, jsonProblem(err))
		}
		keys := make([]string, 0, len(raw))
		for k := range raw {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			e := fileEntry{key: k, where: "a key of the JSON object"}
			switch x := raw[k].(type) {
			case string:
				e.value = x
			case bool, float64:
				e.value = fmt.Sprint(x)
			default:
				return nil, fmt.Errorf("--secrets-file %s: the value of %s must be a string", path, shownKey(k))
			}
			out = append(out, e)
		}
		return out, nil
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		key, val, ok := strings.Cut(line, "=")
		if !ok {
			return nil, fmt.Errorf("--secrets-file %s, line %d: write KEY=VALUE", path, n)
		}
		out = append(out, fileEntry{key: strings.TrimSpace(key), value: val, where: fmt.Sprintf("line %d", n)})
	}
	return out, sc.Err()
}

// jsonProblem describes a JSON error without quoting the input.
func jsonProblem(err error) string {
	if se, ok := err.(*json.SyntaxError); ok {
		return fmt.Sprintf("syntax error at byte %d", se.Offset)
	}
	return "wrong shape"
}

// Missing returns the required fields that have neither a value nor a
// default, in spec order.
func Missing(spec schema.Spec, cfg schema.Config) []schema.Field {
	var out []schema.Field
	for _, f := range spec.Fields {
		if f.Required && f.Default == "" && cfg.Text(f.Key) == "" {
			out = append(out, f)
		}
	}
	return out
}
