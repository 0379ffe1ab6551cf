package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/openintegrator/integrator/host/plugins"
	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared/conformance"
)

// CheckInput is what checking a plugin takes besides its type.
type CheckInput struct {
	// Set are values, KEY=VALUE, for settings that are not secret and
	// that the check cannot guess from the schema (see
	// conformance.GenericSample).
	Set []string
	// Public are setting keys that look like credentials but are public
	// by design (besides conformance.DefaultPublicKeys).
	Public []string
}

// Check is the outcome of one conformance check.
type Check = conformance.Result

// CheckResult is a plugin's conformance report.
type CheckResult struct {
	Type     string  `json:"type"`
	Path     string  `json:"path"`
	Version  string  `json:"version,omitempty"`
	Protocol int     `json:"protocol,omitempty"`
	OK       bool    `json:"ok"`     // every check passed
	Checks   []Check `json:"checks"` // in the order they ran
}

// CheckPlugin runs the conformance suite (shared/conformance) on the
// plugin that serves typ: the trusted binary (the first one ever loaded
// for a type becomes trusted, as for any use), in a process of its own
// started by a supervisor, logging at trace level to a file of the
// check's own that the suite scans for secrets and that is removed
// afterwards. A plugin that does not start fails the protocol check with
// the reason. Secret settings get test values; nothing is stored.
func (a *App) CheckPlugin(ctx context.Context, typ string, in CheckInput) (CheckResult, error) {
	for _, kv := range in.Set {
		if key, _, ok := strings.Cut(kv, "="); !ok || key == "" {
			return CheckResult{}, &InputError{Field: "set", Problem: "write each value as KEY=VALUE"}
		}
	}
	c, err := a.candidate(typ)
	if err != nil {
		return CheckResult{}, err
	}
	tr, err := a.trust(ctx)
	if err != nil {
		return CheckResult{}, err
	}
	v, err := tr.Check(ctx, c)
	if err != nil {
		return CheckResult{}, fmt.Errorf("plugin %s: %w", c.Path, err)
	}
	h, err := a.HomeDir()
	if err != nil {
		return CheckResult{}, err
	}
	logs := filepath.Join(h, "logs")
	if err := os.MkdirAll(logs, 0o700); err != nil {
		return CheckResult{}, err
	}
	logDir, err := os.MkdirTemp(logs, "check-")
	if err != nil {
		return CheckResult{}, err
	}
	defer os.RemoveAll(logDir)
	co, cache, err := a.startOptions()
	if err != nil {
		return CheckResult{}, err
	}
	co.Env = plugins.Env(a.opts.Getenv, "trace")
	sup := plugins.NewSupervisor(plugins.SupervisorConfig{Client: co, Cache: cache, LogDir: logDir, Logger: a.log, IdleTimeout: -1})
	defer sup.Shutdown()

	out := CheckResult{Type: typ, Path: c.Path}
	hd, err := sup.Acquire(ctx, plugins.Target{Candidate: c, SHA256: v.SHA256})
	if err != nil {
		if ctx.Err() != nil {
			return CheckResult{}, ctx.Err()
		}
		out.Checks = conformance.NotStarted(err).Results
		return out, nil
	}
	defer hd.Close()
	out.Version, out.Protocol = hd.Spec.Version, hd.Protocol
	values, err := checkValues(hd.Spec, in)
	if err != nil {
		return CheckResult{}, err
	}
	if err := tr.Remember(ctx, c, v, hd.Spec, hd.Protocol); err != nil {
		return CheckResult{}, fmt.Errorf("plugin %s: %w", c.Path, err)
	}
	r := conformance.CheckPlugin(ctx, conformance.Plugin{Connector: hd, Protocol: hd.Protocol, Spec: hd.Spec}, conformance.Options{
		Sample:     conformance.GenericSample(values),
		PublicKeys: in.Public,
		Log: func() string {
			// Once the process has exited, its log is whole.
			hd.Close()
			sup.Shutdown()
			b, _ := os.ReadFile(filepath.Join(logDir, typ+".log"))
			return string(b)
		},
	})
	if ctx.Err() != nil {
		return CheckResult{}, ctx.Err()
	}
	out.Checks, out.OK = r.Results, r.OK()
	return out, nil
}

// checkValues turns the input's KEY=VALUE values into settings of spec,
// and checks that its public keys are settings of spec.
func checkValues(spec schema.Spec, in CheckInput) (schema.Config, error) {
	known := make([]string, 0, len(spec.Fields))
	for _, f := range spec.Fields {
		known = append(known, f.Key)
	}
	cfg := schema.Config{}
	for _, kv := range in.Set {
		key, text, _ := strings.Cut(kv, "=")
		f, ok := spec.Field(key)
		switch {
		case !ok:
			return nil, &InputError{Field: "set", Problem: fmt.Sprintf("%s has no setting %s; its settings are %s", spec.Name, shownName(key), strings.Join(known, ", "))}
		case f.Secret:
			return nil, &InputError{Field: "set", Problem: fmt.Sprintf("%s is a secret: the check gives every secret a test value of its own; set only settings that are not secret", key)}
		}
		v, err := schema.ParseValue(f, text)
		if err != nil {
			return nil, &InputError{Field: "set", Problem: fmt.Sprintf("%s: %v", key, err)}
		}
		cfg[key] = v
	}
	for _, key := range in.Public {
		if _, ok := spec.Field(key); !ok {
			return nil, &InputError{Field: "public", Problem: fmt.Sprintf("%s has no setting %s; its settings are %s", spec.Name, shownName(key), strings.Join(known, ", "))}
		}
	}
	return cfg, nil
}

// shownName quotes a key the user gave when it may be repeated (Showable),
// and otherwise says that it is not.
func shownName(key string) string {
	if Showable(key) {
		return fmt.Sprintf("%q", key)
	}
	return "by the name given (not repeated: it does not look like a setting name)"
}
