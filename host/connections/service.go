package connections

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/openintegrator/integrator/host/secrets"
	"github.com/openintegrator/integrator/host/store"
	"github.com/openintegrator/integrator/schema"
)

// Service saves and loads connections.
//
// Every method that seals (Create, Update, Rotate) or opens (OpenByName)
// secrets holds the home folder's key lock meanwhile: shared to seal or
// open, exclusive to rotate, so that no secret is sealed or read under a
// key a concurrent rotation is replacing.
type Service struct {
	Store *store.Store
	Keys  *secrets.Keyring
	// Waiting, when set, is called once when the key lock is held by
	// another process and the call waits for it.
	Waiting func(mode secrets.LockMode)
}

// NewID returns a random connection id.
func NewID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// split seals the secrets of cfg for connection id and returns the values
// kept in clear and the sealed secrets.
//
// A secret field is sealed. A key/value list with a secret entry is sealed
// whole (every entry, names and flags too, under the list's key), and kept
// in clear as well without its secret values, so that it can be shown and
// an edit can start from it; opening takes the sealed list. A list without
// secret entries is kept in clear only.
func (s *Service) split(spec schema.Spec, id string, cfg schema.Config) (schema.Config, map[string]secrets.Sealed, error) {
	values, sealed := schema.Config{}, map[string]secrets.Sealed{}
	for k, v := range cfg {
		var plain string
		f, ok := spec.Field(k)
		switch entries, list := v.Entries(); {
		case ok && f.Secret:
			plain = v.Text()
		case list && v.SecretEntries():
			plain = schema.EncodeEntries(entries)
			values[k] = v.WithoutSecretValues()
		default:
			values[k] = v
			continue
		}
		sv, err := s.Keys.Seal([]byte(plain), secrets.Binding{ConnectionID: id, Field: k})
		if err != nil {
			return nil, nil, err
		}
		sealed[k] = sv
	}
	return values, sealed, nil
}

// Create saves a new connection with its secrets sealed, and the test result
// when there is one.
//
// It refuses with a KeyMismatchError, changing nothing, when the master key
// does not open the secrets already stored.
func (s *Service) Create(ctx context.Context, spec schema.Spec, name string, cfg schema.Config, test *store.TestResult) (store.Connection, error) {
	c := store.Connection{ID: NewID(), Name: name, Type: spec.Type}
	unlock, err := s.lock(ctx, secrets.Shared)
	if err != nil {
		return c, err
	}
	defer unlock()
	if c.Values, c.Secrets, err = s.split(spec, c.ID, cfg); err != nil {
		return c, err
	}
	if err := s.Store.Create(ctx, c, s.keyCheck); err != nil {
		return c, err
	}
	if test != nil {
		return c, s.Store.RecordTest(ctx, c.ID, *test)
	}
	return c, nil
}

// Update replaces the settings of an existing connection. Like Create, it
// refuses a master key that does not open the other connections' secrets.
func (s *Service) Update(ctx context.Context, spec schema.Spec, c store.Connection, cfg schema.Config, test *store.TestResult) error {
	unlock, err := s.lock(ctx, secrets.Shared)
	if err != nil {
		return err
	}
	defer unlock()
	if c.Values, c.Secrets, err = s.split(spec, c.ID, cfg); err != nil {
		return err
	}
	if err := s.Store.Update(ctx, c, s.keyCheck); err != nil {
		return err
	}
	if test != nil {
		return s.Store.RecordTest(ctx, c.ID, *test)
	}
	return nil
}

// OpenByName finds a connection by name and opens its secrets, holding the
// key lock (shared) meanwhile, so that a concurrent key rotation cannot
// leave it with secrets sealed under a key it has not loaded.
func (s *Service) OpenByName(ctx context.Context, name string) (store.Connection, schema.Config, error) {
	unlock, err := s.lock(ctx, secrets.Shared)
	if err != nil {
		return store.Connection{}, nil, err
	}
	defer unlock()
	c, err := s.Store.Get(ctx, name)
	if err != nil {
		return store.Connection{}, nil, err
	}
	cfg, err := s.Open(c)
	return c, cfg, err
}

// OpenByID is OpenByName for the connection with id: a queued run's jobs
// open the connection the run was queued against, never another one that
// took its name.
func (s *Service) OpenByID(ctx context.Context, id string) (store.Connection, schema.Config, error) {
	unlock, err := s.lock(ctx, secrets.Shared)
	if err != nil {
		return store.Connection{}, nil, err
	}
	defer unlock()
	c, err := s.Store.GetByID(ctx, id)
	if err != nil {
		return store.Connection{}, nil, err
	}
	cfg, err := s.Open(c)
	return c, cfg, err
}

// Open returns the connection's whole config, secrets opened. A secret that
// fails its integrity check is an error (wrapping secrets.ErrIntegrity)
// naming the connection and field; nothing partial is returned. A sealed
// setting whose clear value is a key/value list is that list, whole: the
// sealed entries replace the clear ones.
func (s *Service) Open(c store.Connection) (schema.Config, error) {
	cfg := schema.Config{}
	for k, v := range c.Values {
		cfg[k] = v
	}
	for k, sv := range c.Secrets {
		pt, err := s.Keys.Open(sv, secrets.Binding{ConnectionID: c.ID, Field: k})
		if err != nil {
			return nil, fmt.Errorf("connection %q, setting %s: %w", c.Name, k, err)
		}
		if c.Values[k].Type() != schema.KeyValues {
			cfg[k] = schema.StringValue(string(pt))
			continue
		}
		entries, err := schema.DecodeEntries(string(pt))
		if err != nil {
			return nil, fmt.Errorf("connection %q, setting %s: %w", c.Name, k, err)
		}
		cfg[k] = schema.KeyValuesValue(entries)
	}
	return cfg, nil
}

// Rotate re-seals every stored secret under a new master key in one
// transaction, then makes it the primary key. newKey may be nil for a key
// file keyring (a fresh key is made). It returns the number re-sealed and
// the key it replaced.
//
// It holds the key lock exclusively throughout, so a second rotation waits
// for the first and then rotates the key the first installed.
func (s *Service) Rotate(ctx context.Context, newKey *secrets.Key) (n int, old, installed *secrets.Key, err error) {
	unlock, err := s.lock(ctx, secrets.Exclusive)
	if err != nil {
		return 0, nil, nil, err
	}
	defer unlock()
	old = s.Keys.Primary
	if err := s.CheckKeys(ctx, ""); err != nil {
		return 0, nil, nil, err
	}
	r, err := s.Keys.BeginRotation(newKey)
	if err != nil {
		return 0, nil, nil, err
	}
	n, err = s.Store.Reseal(ctx, func(b secrets.Binding, old secrets.Sealed) (secrets.Sealed, error) {
		pt, err := s.Keys.Open(old, b)
		if err != nil {
			return secrets.Sealed{}, fmt.Errorf("connection %s, setting %s: %w", b.ConnectionID, b.Field, err)
		}
		return r.New.Seal(pt, b)
	})
	if err != nil {
		return 0, nil, nil, errors.Join(errors.New("nothing was changed"), err)
	}
	return n, old, r.New, r.Commit()
}
