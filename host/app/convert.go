package app

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/openintegrator/integrator/host/store"
	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// ConvertConnection is a saved connection to turn into a connection of
// another connector type.
type ConvertConnection struct {
	Name   string
	To     string // the connector type to convert it to
	DryRun bool   // build and validate the new settings, but neither test nor save them
	// CancelRuns cancels the connection's queued runs that have not
	// ended, in the conversion's transaction; without it they make the
	// conversion refused (a *QueuedRunsError).
	CancelRuns bool
}

// Converted says what a conversion did, or for a dry run would do. It
// never holds a secret value: a secret setting's Value is "(set)".
type Converted struct {
	Name   string `json:"name"`
	ID     string `json:"id"` // the same before and after: checkpoints and ledgers stay
	From   string `json:"from"`
	To     string `json:"to"`
	DryRun bool   `json:"dry_run"`
	// Settings are those the conversion gives the new type, in the order
	// its source connector declares them; the new type's others keep
	// their defaults.
	Settings []ConvertedSetting `json:"settings"`
	// LeftBehind are the connection's settings with a value that the
	// conversion does not read (the new type has no place for them).
	LeftBehind  []string           `json:"left_behind"`
	Notes       []string           `json:"notes"` // what the converted connection does differently
	Diagnostics schema.Diagnostics `json:"-"`     // the new type's Validate, warnings included
	Test        *shared.PingResult `json:"-"`     // nil for a dry run, or when the settings did not validate
	Work        Work               `json:"-"`     // what stays with the connection
	// Queued are the connection's queued runs that had not ended when it
	// was read; Cancelled those cancelled with the conversion.
	Queued    []RunStatus `json:"-"`
	Cancelled []RunStatus `json:"cancelled_runs,omitempty"`
}

// ConvertedSetting is one setting of the converted connection.
type ConvertedSetting struct {
	Key    string `json:"key"`
	Value  string `json:"value"` // as text; a secret as (set)
	Secret bool   `json:"secret"`
	From   string `json:"from,omitempty"` // the connection's setting it was carried over from, if it was
}

// Secrets lists the secret settings the conversion carried over, by key.
func (c Converted) Secrets() []string {
	var out []string
	for _, s := range c.Settings {
		if s.Secret {
			out = append(out, s.Key)
		}
	}
	return out
}

// ConvertConnection turns saved connection in.Name into a connection of
// type in.To, as the plugin of its current type declares (see
// schema.Conversion): the new settings are made from the saved ones,
// secrets opened in memory only; the new type's plugin validates them,
// then tests them (its Ping); only then is the connection saved in one
// transaction, with the same name and id (its checkpoints, import
// ledgers and unfinished runs stay), the new type, settings and test, and
// its secrets sealed anew under their new keys.
//
// A dry run stops after validation and saves nothing. A conversion that
// cannot be made changes nothing: a type it already has or none given
// (*InputError of field "to"), a type its connector declares no conversion
// to (*NoConversionError), a type no plugin serves (*UnknownTypeError),
// settings the new type does not accept (*ValidationError, with
// Converted's diagnostics) or whose test fails (*TestFailedError, with
// Converted.Test), a run in progress using it (*InUseError), queued
// runs pinned to it that have not ended, unless in.CancelRuns cancels
// them in the conversion's transaction (*QueuedRunsError), an edit
// that came in between (*ChangedError), or a master key that does not open
// the stored secrets.
func (a *App) ConvertConnection(ctx context.Context, in ConvertConnection) (Converted, error) {
	if in.To == "" {
		return Converted{}, &InputError{Field: "to", Problem: "name the connector type to convert the connection to"}
	}
	svc, c, cfg, err := a.openSaved(ctx, in.Name)
	if err != nil {
		return Converted{}, err
	}
	out := Converted{Name: c.Name, ID: c.ID, From: c.Type, To: in.To, DryRun: in.DryRun}
	if c.Type == in.To {
		return out, &InputError{Field: "to", Problem: "connection " + quote(c.Name) + " is already of type " + in.To}
	}
	if !in.DryRun {
		if err := svc.CheckKeys(ctx, c.ID); err != nil {
			return out, err
		}
	}
	src, err := a.startPlugin(ctx, c.Type)
	if err != nil {
		return out, err
	}
	defer src.Close()
	conv, ok := src.Spec.Conversion(in.To)
	if !ok {
		return out, &NoConversionError{Name: c.Name, From: c.Type, To: in.To, Targets: src.Spec.ConversionTargets()}
	}
	dst, err := a.startPlugin(ctx, in.To)
	if err != nil {
		return out, err
	}
	defer dst.Close()
	next, err := src.Spec.Convert(cfg, dst.Spec)
	if err != nil {
		return out, &ConversionError{From: c.Type, To: in.To, Err: err}
	}
	out.Notes, out.Settings, out.LeftBehind = conv.Notes, convertedSettings(conv, dst.Spec, next), leftBehind(conv, src.Spec, c)
	if out.Work, err = work(ctx, svc.Store, c.ID); err != nil {
		return out, err
	}
	if len(out.Work.Running) > 0 && !in.DryRun {
		return out, &InUseError{Name: c.Name, Runs: out.Work.Running, Converting: true}
	}
	if out.Queued, err = a.queuedRunsOf(ctx, svc.Store, c.ID); err != nil {
		return out, err
	}
	if len(out.Queued) > 0 && !in.DryRun && !in.CancelRuns {
		return out, &QueuedRunsError{Name: c.Name, Runs: out.Queued, Converting: true, To: in.To}
	}
	if out.Diagnostics, err = dst.Validate(ctx, next); err != nil {
		return out, err
	}
	if out.Diagnostics.HasError() {
		return out, &ValidationError{Diagnostics: out.Diagnostics}
	}
	if in.DryRun {
		return out, nil
	}
	res, err := dst.Ping(ctx, next.WithDefaults(dst.Spec))
	if err != nil {
		return out, err
	}
	out.Test = &res
	if !res.OK {
		return out, &TestFailedError{Result: res}
	}
	var cancelled []RunStatus
	guard, err := a.runsGuard(ctx, svc.Store, c.Name, in.To, out.Queued, true, in.CancelRuns, &cancelled)
	if err != nil {
		return out, err
	}
	err = svc.ConvertGuarded(ctx, dst.Spec, c, next, store.TestResult{OK: true, At: time.Now(), Note: testNote(res)}, guard)
	var qe *QueuedRunsError
	switch {
	case errors.As(err, &qe):
		return out, qe
	case errors.Is(err, store.ErrInUse):
		return out, &InUseError{Name: c.Name, Converting: true}
	case errors.Is(err, store.ErrChanged):
		return out, &ChangedError{Name: c.Name}
	case err != nil:
		return out, notFound(err, c.Name)
	}
	out.Cancelled = cancelled
	return out, nil
}

// convertedSettings lists the settings cfg holds in the order conv gives
// them, each secret as (set).
func convertedSettings(conv schema.Conversion, spec schema.Spec, cfg schema.Config) []ConvertedSetting {
	shown := spec.Display(cfg)
	var out []ConvertedSetting
	for _, m := range conv.Settings {
		if !cfg.Has(m.Key) {
			continue
		}
		f, _ := spec.Field(m.Key)
		out = append(out, ConvertedSetting{Key: m.Key, Value: shown[m.Key], Secret: f.Secret, From: m.From})
	}
	return out
}

// leftBehind lists, in the source spec's order, the saved settings of c
// that conv does not read.
func leftBehind(conv schema.Conversion, spec schema.Spec, c store.Connection) []string {
	reads := conv.Reads()
	var out []string
	for _, f := range spec.Fields {
		_, secret := c.Secrets[f.Key]
		if (c.Values.Has(f.Key) || secret) && !slices.Contains(reads, f.Key) {
			out = append(out, f.Key)
		}
	}
	return out
}
