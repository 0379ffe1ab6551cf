package conformance

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"math/big"
	"strings"
	"sync"

	"github.com/openintegrator/integrator/schema"
)

// Sample makes the settings the suite calls a connector with. They must
// pass the connector's Validate. base is the API address every URL setting
// should point at: one where nothing listens, one that never answers, or
// the suite's own test API, all on this machine (http://127.0.0.1:PORT/).
// secret(key) is the value to give the secret setting key: a unique test
// value (a canary) that the suite then looks for in everything the
// connector says and logs. A Sample may embed it in a longer value when
// the setting needs a form of its own.
type Sample func(spec schema.Spec, base string, secret func(key string) string) schema.Config

// GenericSample makes settings from the schema alone: values first, then
// every URL setting set to base, then, while the schema's own validation
// (schema.Spec.Validate) reports a required setting missing, that setting
// filled with a placeholder of its kind: a secret with its canary, a
// string or text with "sample", an enum with its first option, an int
// with 1, a bool with false. A connector whose required settings need
// values of a form of their own (an id of digits, a key that must parse)
// gives them in values, or writes its own Sample.
func GenericSample(values schema.Config) Sample {
	return func(spec schema.Spec, base string, secret func(string) string) schema.Config {
		cfg := schema.Config{}
		for k, v := range values {
			cfg[k] = v
		}
		for _, f := range spec.Fields {
			if f.Kind == schema.KindURL && !cfg.Has(f.Key) {
				cfg[f.Key] = schema.StringValue(base)
			}
		}
		// A filled setting can make others required (one shown only for
		// some values of another), so fill until nothing more is missing.
		for range len(spec.Fields) + 1 {
			filled := false
			for _, d := range spec.Validate(cfg) {
				f, ok := spec.Field(d.Field)
				if d.Code != schema.CodeMissingRequired || !ok || cfg.Has(f.Key) {
					continue
				}
				cfg[f.Key] = placeholder(f, base, secret)
				filled = true
			}
			if !filled {
				break
			}
		}
		return cfg
	}
}

// placeholder is a value of f's kind for GenericSample.
func placeholder(f schema.Field, base string, secret func(string) string) schema.Value {
	switch f.Kind {
	case schema.KindEnum:
		return schema.StringValue(f.Options[0])
	case schema.KindInt:
		return schema.IntValue(1)
	case schema.KindBool:
		return schema.BoolValue(false)
	case schema.KindURL:
		return schema.StringValue(base)
	}
	if f.Secret {
		return schema.StringValue(secret(f.Key))
	}
	return schema.StringValue("sample")
}

// CanaryPattern matches every canary the suite gives secret settings, so
// that a test can look for them in places the suite cannot see.
const CanaryPattern = `[0-9]{8}-cnry[0-9a-f]{16}`

// canaries are the test values of the secret settings, one per key. A
// canary has the form of many API tokens, digits, a hyphen, letters and
// digits (CanaryPattern), so that connectors that check a credential's
// form accept it.
type canaries struct {
	mu    sync.Mutex
	byKey map[string]string
	keys  []string // in the order given out
}

func newCanaries() *canaries { return &canaries{byKey: map[string]string{}} }

// of returns the canary of key, made on first use.
func (c *canaries) of(key string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if v, ok := c.byKey[key]; ok {
		return v
	}
	n, _ := rand.Int(rand.Reader, big.NewInt(90_000_000)) // crypto/rand does not fail
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	v := fmt.Sprintf("%08d-cnry%s", 10_000_000+n.Int64(), hex.EncodeToString(b))
	c.byKey[key] = v
	c.keys = append(c.keys, key)
	return v
}

// all returns the keys given canaries and each canary, in the order given.
func (c *canaries) all() (keys []string, values []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, k := range c.keys {
		keys = append(keys, k)
		values = append(values, c.byKey[k])
	}
	return keys, values
}

// describe says what a sample holds, without its secrets: "k=v, s=(test
// value)".
func describe(spec schema.Spec, cfg schema.Config) string {
	var parts []string
	for _, k := range cfg.Keys() {
		if f, ok := spec.Field(k); ok && f.Secret {
			parts = append(parts, k+"=(test value)")
			continue
		}
		parts = append(parts, k+"="+cfg.Text(k))
	}
	return strings.Join(parts, ", ")
}
