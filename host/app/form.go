package app

import (
	"context"
	"fmt"

	"github.com/openintegrator/integrator/schema"
)

// FormValues are a connection's settings as a form that shows every
// setting at once (the console) gives them: the whole form, each time.
type FormValues struct {
	// Text is each field's text as typed, by field key; "" or no entry is
	// not given (on an edit, a setting cleared). A secret field's text is
	// given only when typed again.
	Text map[string]string
	// Entries are each key/value list's entries, in order. A secret
	// entry with an empty value is one to give again (on an edit).
	Entries map[string][]schema.KV
}

// NewConnectionForm starts a draft of a new connection as NewConnection
// does, except that a name that cannot be used (a *InputError of field
// "name" or a *NameTakenError) does not stop it: the settings can still be
// filled, validated and tested, so that a form shows every problem at
// once. NameError says what is wrong with the name, and Save refuses with
// it.
func (a *App) NewConnectionForm(ctx context.Context, typ, name string) (*Draft, error) {
	nameErr := checkName(name)
	svc, err := a.service(ctx)
	if err != nil {
		return nil, err
	}
	if nameErr == nil {
		if _, err := svc.Store.Get(ctx, name); err == nil {
			nameErr = &NameTakenError{Name: name}
		}
	}
	if err := svc.CheckKeys(ctx, ""); err != nil {
		return nil, err
	}
	d, err := a.draft(ctx, svc, typ, name, nil, Settings{})
	if err != nil {
		return nil, err
	}
	d.nameErr = nameErr
	return d, nil
}

// NameError is what is wrong with a new connection's name (see
// NewConnectionForm); nil when it can be used.
func (d *Draft) NameError() error { return d.nameErr }

// IsEdit reports whether the draft edits a saved connection.
func (d *Draft) IsEdit() bool { return d.old != nil }

// SavedSecrets reports, for an edit, which secret fields the saved
// connection has set (each must be given again to save), by field key.
func (d *Draft) SavedSecrets() map[string]bool {
	out := map[string]bool{}
	if d.old == nil {
		return out
	}
	for _, f := range d.h.Spec.Fields {
		if _, ok := d.old.Secrets[f.Key]; ok && f.Secret {
			out[f.Key] = true
		}
	}
	return out
}

// Values returns the draft's settings as a form shows them: every
// non-secret value as text, each list's entries (a secret entry's value
// empty); never a secret value.
func (d *Draft) Values() FormValues {
	v := FormValues{Text: map[string]string{}, Entries: map[string][]schema.KV{}}
	for _, f := range d.h.Spec.Fields {
		val, ok := d.cfg[f.Key]
		if !ok || val.IsNull() {
			continue
		}
		switch {
		case f.Kind == schema.KindKeyValues:
			entries, _ := val.WithoutSecretValues().Entries()
			v.Entries[f.Key] = entries
		case !f.Secret:
			v.Text[f.Key] = val.Text()
		}
	}
	return v
}

// Fill replaces the draft's settings with the form's values. What the form
// leaves empty is not given: on an edit, a non-secret setting cleared is
// removed, and a secret not typed again is missing (Missing lists it).
// Values of settings that do not apply (their condition not met by the
// form's other values) are dropped, as a form that hides them would not
// send them. It returns, by field key, why a text is not a value of its
// field (never repeating it); those settings are left out.
func (d *Draft) Fill(v FormValues) map[string]string {
	spec := d.h.Spec
	problems := map[string]string{}
	cfg := schema.Config{}
	for _, f := range spec.Fields {
		if f.Kind == schema.KindKeyValues {
			if list, problem := d.formEntries(f, v.Entries[f.Key]); problem != "" {
				problems[f.Key] = problem
			} else if len(list) > 0 {
				cfg[f.Key] = schema.KeyValuesValue(list)
			}
			continue
		}
		text := v.Text[f.Key]
		if text == "" {
			continue
		}
		val, err := schema.ParseValue(f, text)
		if err != nil {
			problems[f.Key] = err.Error()
			continue
		}
		cfg[f.Key] = val
	}
	shown := spec.Shown(cfg)
	for key := range cfg {
		if !shown[key] {
			delete(cfg, key)
		}
	}
	for key := range problems {
		if !shown[key] {
			delete(problems, key)
		}
	}
	d.cfg = cfg
	d.valid, d.tested, d.failed = false, nil, nil
	return problems
}

// formEntries checks a list's entries as a form gives them: rows with
// neither a name nor a value are blank and skipped; a value needs a name,
// a name is given once; and, as the CLI's edit rule has it, an entry that
// holds a secret value on the saved connection does not become plain (a
// value once secret is not stored in clear by mistake: remove the entry,
// save, then add it again).
func (d *Draft) formEntries(f schema.Field, rows []schema.KV) ([]schema.KV, string) {
	savedSecret := map[string]bool{}
	if d.old != nil {
		entries, _ := d.old.Values[f.Key].Entries()
		for _, e := range entries {
			savedSecret[e.Name] = e.Secret
		}
	}
	var out []schema.KV
	seen := map[string]bool{}
	for _, e := range rows {
		switch {
		case e.Name == "" && e.Value == "":
			continue
		case e.Name == "":
			return nil, fmt.Sprintf("%s: an entry has a value but no name: name it", f.Label)
		case seen[e.Name]:
			return nil, fmt.Sprintf("%s: %s is given twice: give each name once", f.Label, e.Name)
		case savedSecret[e.Name] && !e.Secret:
			return nil, fmt.Sprintf("%s: %s holds a secret value and cannot become a plain one here: remove the entry and save, then add it again", f.Label, e.Name)
		}
		seen[e.Name] = true
		out = append(out, e)
	}
	return out, ""
}
