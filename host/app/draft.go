package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/openintegrator/integrator/host/connections"
	"github.com/openintegrator/integrator/host/plugins"
	"github.com/openintegrator/integrator/host/store"
	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// Settings are a connection's settings as a user gave them: --set
// KEY=VALUE (non-secret only), --unset KEY (on edit), --secret-env
// KEY=ENVVAR and a secrets file. Secrets never come from the command line.
type Settings = connections.Input

// Draft is a connection being created or edited, with its plugin started:
// its settings are collected, completed (Missing, Set), validated, tested
// and saved, in that order. Close it when done.
type Draft struct {
	svc  *connections.Service
	h    *plugins.Handle
	name string
	old  *store.Connection // the connection an edit replaces; nil for a new one
	cfg  schema.Config
	// nameErr is what is wrong with a new connection's name, when a form
	// filled the settings regardless (NewConnectionForm); Save refuses.
	nameErr error

	valid  bool               // Validate passed since the last Set
	tested *store.TestResult  // Test passed since the last Set
	failed *shared.PingResult // Test did not pass since the last Set
}

// NewConnection is a connection to create.
type NewConnection struct {
	Type     string
	Name     string // unique, case-insensitive
	Settings Settings
}

// NewConnection starts a draft of a new connection. It refuses a name
// that is empty, padded with spaces, too long or not printable (an
// *InputError of field "name"), or taken (a *NameTakenError), and a master
// key that does not open the secrets already stored.
func (a *App) NewConnection(ctx context.Context, in NewConnection) (*Draft, error) {
	if err := checkName(in.Name); err != nil {
		return nil, err
	}
	svc, err := a.service(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := svc.Store.Get(ctx, in.Name); err == nil {
		return nil, &NameTakenError{Name: in.Name}
	}
	if err := svc.CheckKeys(ctx, ""); err != nil {
		return nil, err
	}
	return a.draft(ctx, svc, in.Type, in.Name, nil, in.Settings)
}

// EditConnection starts a draft that replaces the settings of connection
// name. Non-secret settings keep their values unless changed or unset;
// every secret must be given again (Missing lists those that are not):
// stored secrets are never reused by an edit.
func (a *App) EditConnection(ctx context.Context, name string, s Settings) (*Draft, error) {
	svc, c, err := a.saved(ctx, name)
	if err != nil {
		return nil, err
	}
	if err := svc.CheckKeys(ctx, c.ID); err != nil {
		return nil, err
	}
	return a.draft(ctx, svc, c.Type, c.Name, &c, s)
}

func (a *App) draft(ctx context.Context, svc *connections.Service, typ, name string, old *store.Connection, s Settings) (*Draft, error) {
	h, err := a.startPlugin(ctx, typ)
	if err != nil {
		return nil, err
	}
	var base schema.Config // an edit starts from the non-secret settings: c.Values holds no secret
	if old != nil {
		base = old.Values
	}
	cfg, err := connections.Collect(h.Spec, base, s, a.opts.Getenv)
	if err != nil {
		h.Close()
		return nil, err
	}
	connections.DropKeptHidden(h.Spec, base, cfg)
	return &Draft{svc: svc, h: h, name: name, old: old, cfg: cfg}, nil
}

// checkName refuses a connection name that is empty, starts or ends with
// spaces, is longer than 100 bytes or holds control characters.
func checkName(name string) error {
	if strings.TrimSpace(name) != name || name == "" {
		return &InputError{Field: "name", Problem: "a connection name cannot be empty or start or end with spaces"}
	}
	if len(name) > 100 || strings.ContainsFunc(name, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		return &InputError{Field: "name", Problem: "use at most 100 printable characters"}
	}
	return nil
}

// Spec returns the connector's schema.
func (d *Draft) Spec() schema.Spec { return d.h.Spec }

// Missing returns the settings still to be given, in schema order: the
// required ones that apply (their conditions met) with neither a value nor
// a default; on an edit, that is every required secret not given again,
// and each secret entry of a key/value list, as a Field keyed
// LIST.NAME (schema.Spec.Missing). Ask for them in order, calling Missing
// again after each Set: a value given can make other settings apply.
func (d *Draft) Missing() []schema.Field { return connections.Missing(d.h.Spec, d.cfg) }

// SecretsToReenter reports whether this is an edit that still lacks
// secrets, which must be entered again.
func (d *Draft) SecretsToReenter() bool {
	if d.old == nil {
		return false
	}
	for _, f := range d.Missing() {
		if f.Secret {
			return true
		}
	}
	return false
}

// Set gives the setting key the value text (as typed at a prompt). An
// error says why text is not a value of the setting; it never repeats it.
// A key LIST.NAME gives one entry of a key/value list: an entry of that
// name keeps whether it is secret (as those Missing lists are), a new one
// is plain.
func (d *Draft) Set(key, text string) error {
	if list, name, ok := d.h.Spec.Entry(key); ok && name != "" {
		secret := false
		entries, _ := d.cfg[list.Key].Entries()
		for _, e := range entries {
			secret = secret || (e.Name == name && e.Secret)
		}
		d.cfg[list.Key] = d.cfg[list.Key].WithEntry(schema.KV{Name: name, Value: text, Secret: secret})
		d.valid, d.tested, d.failed = false, nil, nil
		return nil
	}
	f, ok := d.h.Spec.Field(key)
	if !ok {
		return fmt.Errorf("%q is not a setting of %s", key, d.h.Spec.Name)
	}
	v, err := schema.ParseValue(f, text)
	if err != nil {
		return err
	}
	d.cfg[key] = v
	d.valid, d.tested, d.failed = false, nil, nil
	return nil
}

// SetFile gives the setting key the content of the file at path, read as
// --secret-file reads it: a file only its owner can read (or a pipe), of
// UTF-8 text, with one final line break dropped unless the setting is
// multi-line text. An error names the file, never its content.
func (d *Draft) SetFile(key, path string) error {
	text, err := connections.ReadSecretFile(d.h.Spec, key, path)
	if err != nil {
		return err
	}
	return d.Set(key, text)
}

// Validate has the plugin check the settings, without touching the
// network. It returns every diagnostic, warnings included, and a
// *ValidationError when any is an error.
func (d *Draft) Validate(ctx context.Context) (schema.Diagnostics, error) {
	ds, err := d.h.Validate(ctx, d.cfg)
	if err != nil {
		return nil, err
	}
	if ds.HasError() {
		return ds, &ValidationError{Diagnostics: ds}
	}
	d.valid = true
	return ds, nil
}

// Test tests the settings against the API (the plugin's Ping), with the
// plugin's defaults for what they leave out. A test that does not pass
// returns its result and a *TestFailedError.
func (d *Draft) Test(ctx context.Context) (shared.PingResult, error) {
	res, err := d.h.Ping(ctx, d.cfg.WithDefaults(d.h.Spec))
	if err != nil {
		return res, err
	}
	if !res.OK {
		d.tested, d.failed = nil, &res
		return res, &TestFailedError{Result: res}
	}
	d.tested, d.failed = &store.TestResult{OK: true, At: time.Now(), Note: testNote(res)}, nil
	return res, nil
}

// errNotValidated is the error of a Save before a Validate that passed.
var errNotValidated = errors.New("the settings were not validated: validate them first")

// Save stores the connection, its secrets sealed, with the result of the
// test when Test passed. It refuses settings that Validate has not passed
// and settings whose test did not pass. It returns the connection's name
// as stored.
func (d *Draft) Save(ctx context.Context) (string, error) {
	switch {
	case d.nameErr != nil:
		return "", d.nameErr
	case !d.valid:
		return "", errNotValidated
	case d.failed != nil:
		return "", &TestFailedError{Result: *d.failed}
	}
	if d.old != nil {
		return d.old.Name, d.svc.Update(ctx, d.h.Spec, *d.old, d.cfg, d.tested)
	}
	c, err := d.svc.Create(ctx, d.h.Spec, d.name, d.cfg, d.tested)
	return c.Name, err
}

// Close releases the plugin.
func (d *Draft) Close() { d.h.Close() }
