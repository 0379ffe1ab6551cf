package connections

import (
	"context"
	"fmt"
	"strings"

	"github.com/openintegrator/integrator/host/secrets"
)

// KeyMismatchError refuses to seal under a master key that does not open
// the secrets already stored: a store whose secrets are sealed under two
// keys can be opened by no single key, and keys rotate fails with either.
type KeyMismatchError struct {
	Stored []string // ids of the stored secrets' keys the keyring lacks
	InUse  string   // id of the key that would seal
	Source string   // where that key comes from: INTEGRATOR_MASTER_KEY or the key file
	Env    bool     // Source is INTEGRATOR_MASTER_KEY
}

func (e *KeyMismatchError) Error() string {
	noun := "master key"
	if len(e.Stored) > 1 {
		noun = "master keys"
	}
	fix := fmt.Sprintf("Set %s to the key with id %s (or unset it, if that key is the one in the key file)", secrets.KeyEnv, e.Stored[0])
	if !e.Env {
		fix = fmt.Sprintf("Set %s to the key with id %s, or put that key back in %s,", secrets.KeyEnv, e.Stored[0], e.Source)
	}
	return fmt.Sprintf("the master key in use (id %s, from %s) does not open the stored secrets, which are sealed with %s %s.\n"+
		"Saving under it would leave secrets under two keys: no single key would open them all, and 'integrator keys rotate' would fail.\n"+
		"%s and run the command again; to change the master key, run 'integrator keys rotate' with the current one.\n"+
		"Nothing was changed.",
		e.InUse, e.Source, noun, strings.Join(e.Stored, ", "), fix)
}

// keyCheck accepts stored key ids only when the keyring holds every one
// of them.
func (s *Service) keyCheck(ids []string) error {
	var foreign []string
	for _, id := range ids {
		if !s.Keys.Has(id) {
			foreign = append(foreign, id)
		}
	}
	if len(foreign) == 0 {
		return nil
	}
	return &KeyMismatchError{Stored: foreign, InUse: s.Keys.Primary.ID, Source: s.Keys.Source(), Env: s.Keys.FromEnv}
}

// CheckKeys reports a KeyMismatchError when the master key in use does not
// open every stored secret but those of connection id replacing (an edit
// replaces them; "" for none). Commands that seal call it before asking
// for anything, so that a wrong key is refused at once; Create, Update and
// Rotate check again where no other process can come between.
func (s *Service) CheckKeys(ctx context.Context, replacing string) error {
	ids, err := s.Store.KeyIDs(ctx, replacing)
	if err != nil {
		return err
	}
	return s.keyCheck(ids)
}

// lock takes the key lock in mode and reads the key file again under it,
// since a rotation may have changed the key since the keyring was loaded.
func (s *Service) lock(ctx context.Context, mode secrets.LockMode) (func(), error) {
	waiting := func() {
		if s.Waiting != nil {
			s.Waiting(mode)
		}
	}
	unlock, err := s.Keys.Lock(ctx, mode, waiting)
	if err != nil {
		return nil, err
	}
	if err := s.Keys.Refresh(); err != nil {
		unlock()
		return nil, err
	}
	return unlock, nil
}
