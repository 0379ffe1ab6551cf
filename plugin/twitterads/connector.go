package twitterads

import (
	"context"

	"github.com/hashicorp/go-hclog"

	"github.com/openintegrator/integrator/plugin/httpconn"
	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// Connector is the Twitter Ads connector. One Connector serves any number
// of connections and concurrent calls; its engine keeps one HTTP client,
// so connections to the API are reused.
type Connector struct {
	log     hclog.Logger
	engine  *httpconn.Engine
	profile *httpconn.Profile
}

var _ shared.Connector = (*Connector)(nil)

// New returns the connector. A nil logger discards.
func New(log hclog.Logger) *Connector { return newConnector(log, httpconn.Options{}) }

// newConnector returns a connector whose engine has the options o; tests
// shorten its waits.
func newConnector(log hclog.Logger, o httpconn.Options) *Connector {
	if log == nil {
		log = hclog.NewNullLogger()
	}
	return &Connector{log: log, engine: httpconn.New(log, o), profile: newProfile("integrator-twitter-ads/" + Version)}
}

// GetSchema returns Spec().
func (c *Connector) GetSchema(context.Context) (schema.Spec, error) { return Spec(), nil }

// Validate checks settings locally; it never touches the network.
func (c *Connector) Validate(_ context.Context, cfg schema.Config) (schema.Diagnostics, error) {
	return validate(cfg), nil
}

// DoRequest sends one request to the API (signed) or to the report
// download host (unsigned), through the engine, and returns the response
// head with the body still streaming. Problems with the settings, the
// request or the answer are diagnostics; an error is returned only when
// ctx ends.
func (c *Connector) DoRequest(ctx context.Context, cfg schema.Config, req shared.Request) (*shared.Response, error) {
	s, ds := parseSettings(cfg, c.profile)
	if ds.HasError() {
		return httpconn.NoAnswer(shared.ResponseHead{Diagnostics: ds}), nil
	}
	resp, err := c.engine.Do(ctx, s.conn, req)
	if resp != nil && len(ds) > 0 {
		resp.Diagnostics = append(ds, resp.Diagnostics...)
	}
	return resp, err
}
