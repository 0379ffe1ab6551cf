package cli

import (
	"context"

	"github.com/openintegrator/integrator/host/connections"
	"github.com/openintegrator/integrator/host/store"
	"github.com/openintegrator/integrator/schema"
)

// openConnection opens the store, finds the connection by name and opens
// its secrets. On success the caller closes svc.Store; on failure nothing is
// left open. A secret that fails its integrity check is an error here, so
// nothing is ever sent with it.
func openConnection(ctx context.Context, f *Factory, name string) (*connections.Service, store.Connection, schema.Config, error) {
	svc, err := f.Service(ctx)
	if err != nil {
		return nil, store.Connection{}, nil, err
	}
	c, cfg, err := svc.OpenByName(ctx, name)
	if err != nil {
		svc.Store.Close()
		return nil, store.Connection{}, nil, err
	}
	return svc, c, cfg, nil
}
