package app

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/openintegrator/integrator/host/secrets"
	"github.com/openintegrator/integrator/host/store"
)

// ErrOtherMasterKey is returned (wrapped) when this machine's master key
// is not the one the store's secrets are sealed with.
var ErrOtherMasterKey = errors.New("another master key")

// checkMasterKey makes sure this machine's master key opens the store's
// secrets before a worker takes jobs: the store records its master key id
// (recorded now when it records none), and a worker whose key is another
// refuses to start, naming both ids (never a key).
func (a *App) checkMasterKey(ctx context.Context, st *store.Store) (string, error) {
	h, err := a.HomeDir()
	if err != nil {
		return "", err
	}
	if err := checkKeyFileKept(ctx, a.opts.Getenv, h, st); err != nil {
		return "", err
	}
	keys, err := secrets.Load(a.opts.Getenv, h)
	if err != nil {
		return "", err
	}
	mine := keys.Primary.ID
	refuse := func(other string) error {
		return fmt.Errorf("%w: this machine's master key is %s but the store's secrets are sealed with %s; give this worker the same key as the others (%s, or %s in %s); nothing was run",
			ErrOtherMasterKey, mine, other, KeyEnv, secrets.KeyFileName, h)
	}
	// The secrets first: a key is recorded only once it opens them all.
	ids, err := st.KeyIDs(ctx, "")
	if err != nil {
		return "", err
	}
	for _, id := range ids {
		if !keys.Has(id) {
			return "", refuse(id)
		}
	}
	recorded, err := st.MasterKeyID(ctx)
	if err != nil {
		return "", err
	}
	if recorded == "" {
		// Two workers starting at once: the first recorded wins.
		if recorded, err = st.RecordMasterKeyID(ctx, mine); err != nil {
			return "", err
		}
	}
	if recorded != mine && !keys.Has(recorded) {
		return "", refuse(recorded)
	}
	return mine, nil
}

// recordMasterKey records this machine's master key id in a store on
// PostgreSQL that records none, when this machine has a key that opens
// every stored secret (store migrate does it; a machine without a key
// makes none here).
func (a *App) recordMasterKey(ctx context.Context, st *store.Store) error {
	h, err := a.HomeDir()
	if err != nil {
		return err
	}
	if a.opts.Getenv(KeyEnv) == "" {
		if _, err := os.Stat(secrets.KeyFilePath(h)); err != nil {
			return nil
		}
	}
	keys, err := secrets.Load(a.opts.Getenv, h)
	if err != nil {
		return err
	}
	ids, err := st.KeyIDs(ctx, "")
	if err != nil {
		return err
	}
	for _, id := range ids {
		if !keys.Has(id) {
			return nil // another machine's key: a worker here will say so
		}
	}
	_, err = st.RecordMasterKeyID(ctx, keys.Primary.ID)
	return err
}
