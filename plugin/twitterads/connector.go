package twitterads

import (
	"context"

	"github.com/hashicorp/go-hclog"

	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// Connector is the Twitter Ads connector.
type Connector struct {
	log hclog.Logger
}

var _ shared.Connector = (*Connector)(nil)

// New returns the connector. A nil logger discards.
func New(log hclog.Logger) *Connector {
	if log == nil {
		log = hclog.NewNullLogger()
	}
	return &Connector{log: log}
}

// GetSchema returns Spec().
func (c *Connector) GetSchema(context.Context) (schema.Spec, error) { return Spec(), nil }

// Validate checks settings locally; it never touches the network.
func (c *Connector) Validate(_ context.Context, cfg schema.Config) (schema.Diagnostics, error) {
	return validate(cfg), nil
}
