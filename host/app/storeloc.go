package app

import (
	"context"
	"fmt"

	"github.com/openintegrator/integrator/host/store"
)

// StoreEnv is the environment variable that names the store: a
// postgres:// URL puts everything in that PostgreSQL database; unset, the
// store is SQLite in the home folder.
const StoreEnv = "INTEGRATOR_STORE"

// Location is where a store is, as the user gave it, and where it was
// given (for messages).
type Location struct {
	Value  string // a postgres:// URL, "sqlite", a path to an SQLite file, or ""
	Source string // "--store", "INTEGRATOR_STORE", ...
}

// storeLocation is --store, else INTEGRATOR_STORE, else "" (SQLite in
// the home folder).
func (a *App) storeLocation() Location {
	if a.opts.Store != "" {
		return Location{Value: a.opts.Store, Source: "--store"}
	}
	return Location{Value: a.opts.Getenv(StoreEnv), Source: StoreEnv}
}

// StoreLocation returns where the store is, for messages: the SQLite
// file, or the URL without its password.
func (a *App) StoreLocation() (string, error) {
	h, err := a.HomeDir()
	if err != nil {
		return "", err
	}
	return describeLocation(a.storeLocation(), h), nil
}

func describeLocation(l Location, home string) string {
	switch {
	case store.IsURL(l.Value):
		return store.RedactURL(l.Value)
	case l.Value == "" || l.Value == "sqlite":
		return home + "/" + store.FileName
	}
	return l.Value
}

// openStore opens the store at l: PostgreSQL for a postgres:// URL,
// SQLite in home for "" or "sqlite", else the SQLite file at that path.
func openStore(ctx context.Context, l Location, home string) (*store.Store, error) {
	switch {
	case store.IsURL(l.Value):
		return store.OpenURL(ctx, l.Value)
	case l.Value == "" || l.Value == "sqlite":
		return store.Open(ctx, home)
	case l.Source == "--store" || l.Source == StoreEnv:
		return nil, &InputError{Field: l.Source, Problem: fmt.Sprintf("%q is not a store: give a postgres:// URL, or leave it unset for SQLite in %s", l.Value, home)}
	}
	return store.OpenFile(ctx, l.Value)
}

// Errors of CopyStore, for errors.Is.
var (
	// ErrTargetNotEmpty: the target store holds data and replacing it
	// was not asked for.
	ErrTargetNotEmpty = store.ErrTargetNotEmpty
	// ErrStoreInUse: the source store has runs in progress.
	ErrStoreInUse = store.ErrInUse
)

// CheckNoPassword refuses a store URL with a password given on the
// command line (by flag), where other users can read it. The message
// never holds the password.
func CheckNoPassword(flag, value string) error {
	if store.IsURL(value) && store.URLPassword(value) != "" {
		return fmt.Errorf("%s %s: a password on the command line can be read by other users: put it in PGPASSWORD or ~/.pgpass, or give the whole URL in %s; nothing was done", flag, store.RedactURL(value), StoreEnv)
	}
	return nil
}
