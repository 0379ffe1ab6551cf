package connections

import (
	"context"

	"github.com/openintegrator/integrator/host/secrets"
	"github.com/openintegrator/integrator/host/store"
	"github.com/openintegrator/integrator/schema"
)

// Convert replaces connection was (as it was read) with a connection of
// spec's type holding cfg, and records the test result, in one
// transaction (store.Convert): the connection keeps its id and name. Each
// secret of cfg is sealed anew, bound to the connection id and its key in
// spec (a value carried from another key is never stored under that
// one). Like Update, it refuses a master key that does not open the other
// connections' secrets; a refusal changes nothing.
func (s *Service) Convert(ctx context.Context, spec schema.Spec, was store.Connection, cfg schema.Config, test store.TestResult) error {
	return s.ConvertGuarded(ctx, spec, was, cfg, test, nil)
}

// ConvertGuarded is Convert with guard (when not nil) in the store's
// transaction (see store.ConvertGuarded).
func (s *Service) ConvertGuarded(ctx context.Context, spec schema.Spec, was store.Connection, cfg schema.Config, test store.TestResult, guard store.ConnGuard) error {
	unlock, err := s.lock(ctx, secrets.Shared)
	if err != nil {
		return err
	}
	defer unlock()
	to := store.Connection{Type: spec.Type}
	if to.Values, to.Secrets, err = s.split(spec, was.ID, cfg); err != nil {
		return err
	}
	return s.Store.ConvertGuarded(ctx, was, to, test, guard, s.keyCheck)
}
