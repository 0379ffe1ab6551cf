package connections

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/openintegrator/integrator/schema"
)

// Input is what the user gave on the command line.
//
// A key/value list field (such as headers) takes one entry per argument,
// named by its entry key LIST.NAME: --set headers.Accept=application/json
// adds or replaces a plain entry; --secret-env headers.X-Api-Key=ENVVAR,
// --secret-file headers.X-Api-Key=FILE and a secrets file's
// headers.X-Api-Key give a secret one; --unset headers.Accept removes an
// entry and --unset headers the whole list.
type Input struct {
	Set         []string // KEY=VALUE, non-secret fields only
	Unset       []string // KEY: remove an optional setting (edit)
	SecretEnv   []string // KEY=ENVVAR: read the value from an environment variable
	SecretFile  []string // KEY=FILE: read the value from a file, line breaks and all (a PEM key)
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
	put := func(key, text, source string, secret bool) {
		if list, name, ok := spec.Entry(key); ok {
			if msg := putEntry(cfg, list, name, text, source, secret); msg != "" {
				problems = append(problems, msg)
			}
			return
		}
		f, ok := spec.Field(key)
		if !ok {
			// Kept as text so that Validate reports it with the known keys.
			cfg[key] = schema.StringValue(text)
			return
		}
		if f.Kind == schema.KindKeyValues {
			problems = append(problems, fmt.Sprintf("%s (from %s): %s is a list of named values: give each entry as %s, with --set "+
				"(or --secret-env, --secret-file or --secrets-file for a secret value)", key, source, f.Label, schema.EntryKey(key, "NAME")))
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
		put(key, val, "--set", false)
	}
	for _, kv := range in.SecretEnv {
		if msg, ok := secretEnv(spec, kv, getenv, put); !ok {
			problems = append(problems, msg)
		}
	}
	for _, kv := range in.SecretFile {
		if msg, ok := secretFile(spec, kv, put); !ok {
			problems = append(problems, msg)
		}
	}
	if in.SecretsFile != "" {
		vals, err := readSecretsFile(in.SecretsFile)
		if err != nil {
			problems = append(problems, err.Error())
		}
		for _, e := range vals {
			if !known(spec, e.key) {
				problems = append(problems, fmt.Sprintf("--secrets-file %s, %s: %s is not a setting of %s (the keys are %s)",
					in.SecretsFile, e.where, shownKey(e.key), spec.Name, strings.Join(fileKeys(spec), ", ")))
				continue
			}
			put(e.key, e.value, in.SecretsFile, true)
		}
	}
	for _, key := range in.Unset {
		if list, name, ok := spec.Entry(key); ok {
			v, removed := cfg[list.Key].WithoutEntry(name)
			switch {
			case !removed:
				problems = append(problems, fmt.Sprintf("--unset %s: %s has no entry %q", key, list.Label, name))
			case len(mustEntries(v)) == 0:
				delete(cfg, list.Key)
			default:
				cfg[list.Key] = v
			}
			continue
		}
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

// putEntry adds or replaces the entry name of the key/value list field
// list in cfg. It refuses an entry without a name, and a plain value
// (--set) in place of an entry that holds a secret one: a value once
// secret is not stored in clear by mistake. Its messages never hold the
// value.
func putEntry(cfg schema.Config, list schema.Field, name, text, source string, secret bool) string {
	key := schema.EntryKey(list.Key, name)
	if name == "" {
		return fmt.Sprintf("%s (from %s): name the entry of %s, as %s", key, source, list.Label, schema.EntryKey(list.Key, "NAME"))
	}
	if !secret {
		for _, e := range mustEntries(cfg[list.Key]) {
			if e.Name == name && e.Secret {
				return fmt.Sprintf("%s holds a secret value and cannot be given with --set: use --secret-env %s=ENVVAR or --secret-file %s=FILE; "+
					"to make it a plain value, remove it first (connections edit --unset %s)", key, key, key, key)
			}
		}
	}
	cfg[list.Key] = cfg[list.Key].WithEntry(schema.KV{Name: name, Value: text, Secret: secret})
	return ""
}

// mustEntries returns the entries of v, none when v is no list.
func mustEntries(v schema.Value) []schema.KV {
	entries, _ := v.Entries()
	return entries
}

// known reports whether key names a setting of spec or an entry of one of
// its key/value lists.
func known(spec schema.Spec, key string) bool {
	if _, ok := spec.Field(key); ok {
		return true
	}
	_, _, ok := spec.Entry(key)
	return ok
}

// secretTargets lists what a secret can be given for: the secret fields,
// and LIST.NAME for each key/value list.
func secretTargets(spec schema.Spec) string {
	out := spec.SecretKeys()
	for _, f := range spec.Fields {
		if f.Kind == schema.KindKeyValues {
			out = append(out, schema.EntryKey(f.Key, "NAME"))
		}
	}
	return strings.Join(out, ", ")
}

// hidden is said where a message leaves out what the user gave.
const hidden = " (it is not repeated here, in case it is the secret itself)"

// notASetting says that the KEY of a --secret-env or --secret-file
// argument (hasEq: it had an =) is no setting of spec, repeating it only
// when it is Showable.
func notASetting(spec schema.Spec, key string, hasEq bool) string {
	switch {
	case Showable(key):
		return fmt.Sprintf("%q is not a setting of %s", key, spec.Name)
	case !hasEq:
		return "the argument has no = and is not a setting of " + spec.Name + hidden
	}
	return "what comes before = is not a setting of " + spec.Name + hidden
}

// secretEnv applies one --secret-env KEY=NAME. Its messages repeat KEY
// only when it is a setting of spec, and NAME only when it looks like a
// variable name (Showable): a user who pasted the secret itself in either
// place must not see it echoed.
func secretEnv(spec schema.Spec, kv string, getenv func(string) string, put func(key, text, source string, secret bool)) (string, bool) {
	key, name, ok := strings.Cut(kv, "=")
	if !known(spec, key) {
		what := notASetting(spec, key, ok)
		return fmt.Sprintf("--secret-env: %s; write KEY=ENVVAR, with KEY one of %s and ENVVAR the name of an environment variable that holds the value",
			what, secretTargets(spec)), false
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
	put(key, getenv(name), source, true)
	return "", true
}

// fileKeys lists the keys a secrets file may give, in spec order: each
// setting's, and LIST.NAME for a key/value list.
func fileKeys(spec schema.Spec) []string {
	out := make([]string, 0, len(spec.Fields))
	for _, f := range spec.Fields {
		if f.Kind == schema.KindKeyValues {
			out = append(out, schema.EntryKey(f.Key, "NAME"))
			continue
		}
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

// readSecretsFile reads a JSON object of strings, or KEY=VALUE lines as a
// .env file holds them: blank lines and lines starting with # are skipped,
// a line may start with "export ", and the value is everything after the
// first =, as is, unless it is in matching single or double quotes (spaces
// around them aside): then it is what is inside them, as is. Its messages
// never quote the file's content: keys are named only when Showable,
// values never.
func readSecretsFile(path string) ([]fileEntry, error) {
	b, err := readPrivate(path, MaxSecretsFile, "a secrets file holds the settings of one connection")
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
		key = strings.TrimSpace(key)
		if k, ok := strings.CutPrefix(key, "export "); ok {
			key = strings.TrimSpace(k)
		}
		out = append(out, fileEntry{key: key, value: unquote(val), where: fmt.Sprintf("line %d", n)})
	}
	return out, sc.Err()
}

// unquote returns what is inside the matching single or double quotes
// around v (spaces and tabs around them aside), as is; or v as it is.
func unquote(v string) string {
	t := strings.Trim(v, " \t")
	if len(t) >= 2 && (t[0] == '"' || t[0] == '\'') && t[len(t)-1] == t[0] {
		return t[1 : len(t)-1]
	}
	return v
}

// jsonProblem describes a JSON error without quoting the input.
func jsonProblem(err error) string {
	if se, ok := err.(*json.SyntaxError); ok {
		return fmt.Sprintf("syntax error at byte %d", se.Offset)
	}
	return "wrong shape"
}

// Missing returns what cfg still lacks, in spec order: the required fields
// that apply and have neither a value nor a default, and the secret
// entries of key/value lists without a value (schema.Spec.Missing).
func Missing(spec schema.Spec, cfg schema.Config) []schema.Field {
	return spec.Missing(cfg)
}

// DropKeptHidden removes from cfg the values of fields that do not apply
// to it and that were kept from base (an edit's saved settings) rather than
// given anew: after an edit changes the field a condition names, the
// settings that no longer apply go, instead of failing validation. A value
// given anew for a field that does not apply stays, and validation reports
// it (schema.CodeNotApplicable).
func DropKeptHidden(spec schema.Spec, base, cfg schema.Config) {
	shown := spec.Shown(cfg)
	for _, f := range spec.Fields {
		if v, ok := cfg[f.Key]; ok && !shown[f.Key] && base[f.Key] == v {
			delete(cfg, f.Key)
		}
	}
}
