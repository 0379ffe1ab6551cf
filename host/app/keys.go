package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/openintegrator/integrator/host/secrets"
	"github.com/openintegrator/integrator/host/store"
)

// KeyEnv is the environment variable that holds the master key (base64
// of 32 bytes); without it the key is kept in <home>/master.key.
const KeyEnv = secrets.KeyEnv

// NewKey is the master key a rotation installs.
type NewKey struct {
	// Text is the key as base64 of 32 bytes; "" makes a random key, which
	// only a key file can take.
	Text string
	// Source names where Text comes from, for messages (which never hold
	// the key).
	Source string
}

// Rotation is what a key rotation did.
type Rotation struct {
	Resealed int    // secrets sealed again
	Old, New string // the ids of the replaced key and of the new one
	// FromEnv is true when the keys come from KeyEnv, which must now be
	// set to the new key; else the new key is in KeyFile.
	FromEnv bool
	KeyFile string
}

// RotateKeys seals every stored secret again under a new master key, in
// one transaction: either every secret moves to the new key or none does.
// It holds the key lock meanwhile, so a second rotation waits for the
// first and then rotates the key the first installed. A rotation that was
// interrupted is finished by the next one.
func (a *App) RotateKeys(ctx context.Context, nk NewKey) (Rotation, error) {
	var newKey *secrets.Key
	if nk.Text != "" {
		var err error
		if newKey, err = secrets.ParseKey(nk.Text, nk.Source); err != nil {
			return Rotation{}, err
		}
	}
	svc, err := a.service(ctx)
	if err != nil {
		return Rotation{}, err
	}
	n, old, k, err := svc.Rotate(ctx, newKey)
	if err != nil {
		return Rotation{}, err
	}
	return Rotation{Resealed: n, Old: old.ID, New: k.ID, FromEnv: svc.Keys.FromEnv, KeyFile: svc.Keys.KeyFile}, nil
}

// checkKeyFileKept refuses to go on when the key file is missing but the
// store holds secrets: a new key (which secrets.Load would make) could
// never open them, and the next save would seal under it.
func checkKeyFileKept(ctx context.Context, getenv func(string) string, home string, st *store.Store) error {
	if getenv(secrets.KeyEnv) != "" {
		return nil
	}
	path := secrets.KeyFilePath(home)
	if _, err := os.Lstat(path); !errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	ids, err := st.KeyIDs(ctx, "")
	if err != nil || len(ids) == 0 {
		return err
	}
	return fmt.Errorf("the master key file %s is missing, but the store holds secrets sealed under %s: put the key file back from your backup, or set %s to that key. integrator makes no new key, which could never open them",
		path, strings.Join(ids, ", "), secrets.KeyEnv)
}
