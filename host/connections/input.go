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
			problems = append(problems, fmt.Sprintf("--set %q: write it as KEY=VALUE", key))
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
		key, name, ok := strings.Cut(kv, "=")
		if !ok || key == "" || name == "" {
			problems = append(problems, fmt.Sprintf("--secret-env %q: write it as KEY=ENVVAR, the name of an environment variable that holds the value", kv))
			continue
		}
		val := getenv(name)
		if val == "" {
			problems = append(problems, fmt.Sprintf("--secret-env %s=%s: the environment variable %s is not set or empty", key, name, name))
			continue
		}
		put(key, val, "$"+name)
	}
	if in.SecretsFile != "" {
		vals, err := readSecretsFile(in.SecretsFile)
		if err != nil {
			problems = append(problems, err.Error())
		}
		keys := make([]string, 0, len(vals))
		for k := range vals {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			put(k, vals[k], in.SecretsFile)
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

// readSecretsFile reads a JSON object of strings, or KEY=VALUE lines (blank
// lines and lines starting with # are skipped; the value is everything after
// the first =, as is).
func readSecretsFile(path string) (map[string]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--secrets-file: %w", err)
	}
	out := map[string]string{}
	if trimmed := bytes.TrimSpace(b); len(trimmed) > 0 && trimmed[0] == '{' {
		var raw map[string]any
		if err := json.Unmarshal(trimmed, &raw); err != nil {
			return nil, fmt.Errorf("--secrets-file %s: not a valid JSON object (%s)", path, jsonProblem(err))
		}
		for k, v := range raw {
			switch x := v.(type) {
			case string:
				out[k] = x
			case bool, float64:
				out[k] = fmt.Sprint(x)
			default:
				return nil, fmt.Errorf("--secrets-file %s: %s must be a string", path, k)
			}
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
		out[strings.TrimSpace(key)] = val
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

// HowToGive says how a missing field can be given without a prompt.
func HowToGive(f schema.Field) string {
	if f.Secret {
		return fmt.Sprintf("--secret-env %s=ENVVAR or --secrets-file FILE", f.Key)
	}
	return fmt.Sprintf("--set %s=VALUE", f.Key)
}
