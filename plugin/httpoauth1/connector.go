package httpoauth1

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/hashicorp/go-hclog"

	"github.com/openintegrator/integrator/plugin/httpconn"
	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// Connector is the universal OAuth 1.0 HTTP connector. One Connector
// serves any number of connections and concurrent calls; its engine keeps
// one HTTP client, so connections to an API are reused.
type Connector struct {
	log    hclog.Logger
	engine *httpconn.Engine
}

var (
	_ shared.Connector = (*Connector)(nil)
	_ shared.Describer = (*Connector)(nil)
)

// New returns the connector. A nil logger discards.
func New(log hclog.Logger) *Connector { return newConnector(log, httpconn.Options{}) }

// newConnector returns a connector whose engine has the options o; tests
// shorten its waits.
func newConnector(log hclog.Logger, o httpconn.Options) *Connector {
	if log == nil {
		log = hclog.NewNullLogger()
	}
	return &Connector{log: log, engine: httpconn.New(log, o)}
}

// GetSchema returns Spec().
func (c *Connector) GetSchema(context.Context) (schema.Spec, error) { return Spec(), nil }

// Validate checks settings locally; it never touches the network.
func (c *Connector) Validate(_ context.Context, cfg schema.Config) (schema.Diagnostics, error) {
	ds, _ := validate(cfg)
	return ds, nil
}

// Describe says how the API's lists page, from the paging settings.
func (c *Connector) Describe(_ context.Context, cfg schema.Config) (shared.Description, error) {
	s, ds := parseSettings(cfg)
	if ds.HasError() {
		return shared.Description{Diagnostics: ds}, nil
	}
	return shared.Description{Paging: &s.paging, Diagnostics: ds}, nil
}

// DoRequest sends one request, signed, through the engine, once one of
// the connection's concurrency slots is free, and returns the response
// head with the body still streaming. An answer of auth_fail_status gets
// an authentication_failed diagnostic first. An error is returned only
// when ctx ends.
func (c *Connector) DoRequest(ctx context.Context, cfg schema.Config, req shared.Request) (*shared.Response, error) {
	s, ds := parseSettings(cfg)
	if ds.HasError() {
		return httpconn.NoAnswer(shared.ResponseHead{Diagnostics: ds}), nil
	}
	resp, err := c.engine.Do(ctx, s.conn, s.request(req))
	if err != nil {
		return nil, err
	}
	if resp.Status == s.authFail {
		why := status(resp.Status)
		if i := slices.IndexFunc(resp.Diagnostics, func(d schema.Diagnostic) bool { return d.Severity == schema.SeverityError }); i >= 0 {
			why = resp.Diagnostics[i].Summary
		}
		ds = append(ds, authFailed(why))
	}
	resp.Diagnostics = append(ds, resp.Diagnostics...)
	return resp, nil
}

// authFailed says that the API refused the credentials, and why.
func authFailed(why string) schema.Diagnostic {
	return schema.Errorf("", CodeAuthenticationFailed,
		"check the consumer key, the secrets or private key, the access token and signature_method, and that this computer's clock is right",
		"authentication failed: the API did not accept the credentials (%s)", why)
}

// status is an HTTP status as a message shows it: "401 Unauthorized", "420".
func status(code int) string {
	return strings.TrimSpace(fmt.Sprintf("%d %s", code, http.StatusText(code)))
}
