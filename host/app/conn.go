package app

import (
	"context"

	"github.com/openintegrator/integrator/host/connections"
	"github.com/openintegrator/integrator/host/plugins"
	"github.com/openintegrator/integrator/host/store"
	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// Conn is a saved connection opened for requests: its plugin running and
// its settings (secrets opened, defaults applied) bound to every request.
// Close it when done.
type Conn struct {
	Name, Type, ID string
	Spec           schema.Spec // the plugin's schema

	svc *connections.Service
	h   *plugins.Handle
	cfg schema.Config
}

// DoRequest sends one request through the connection's plugin, which
// signs it. The caller closes the response body.
func (c *Conn) DoRequest(ctx context.Context, req shared.Request) (*shared.Response, error) {
	return c.h.DoRequest(ctx, c.cfg, req)
}

// Describe asks the plugin how the connection's API pages its lists and
// runs its reports.
func (c *Conn) Describe(ctx context.Context) (shared.Description, error) {
	return c.h.Describe(ctx, c.cfg)
}

// CreateReportJob asks the plugin to create one async report job.
func (c *Conn) CreateReportJob(ctx context.Context, q shared.ReportQuery) (shared.ReportJobs, error) {
	return c.h.CreateReportJob(ctx, c.cfg, q)
}

// PollReportJobs asks the plugin for the state of report jobs.
func (c *Conn) PollReportJobs(ctx context.Context, account string, ids []string) (shared.ReportJobs, error) {
	return c.h.PollReportJobs(ctx, c.cfg, account, ids)
}

// FetchReportJob asks the plugin for a finished job's rows (JSON Lines).
func (c *Conn) FetchReportJob(ctx context.Context, q shared.ReportQuery, job shared.ReportJob) (*shared.Response, error) {
	return c.h.FetchReportJob(ctx, c.cfg, q, job)
}

// Close releases the plugin; its process stops at the latest when the
// App closes.
func (c *Conn) Close() { c.h.Close() }

// OpenConnection opens a saved connection for requests: it finds it, opens
// its secrets (a secret that fails its integrity check is an error, so
// nothing is ever sent with it) and starts its plugin.
func (a *App) OpenConnection(ctx context.Context, name string) (*Conn, error) {
	svc, c, cfg, err := a.openSaved(ctx, name)
	if err != nil {
		return nil, err
	}
	return a.start(ctx, svc, c, cfg)
}

// openSaved finds a saved connection and opens its secrets.
func (a *App) openSaved(ctx context.Context, name string) (*connections.Service, store.Connection, schema.Config, error) {
	svc, err := a.service(ctx)
	if err != nil {
		return nil, store.Connection{}, nil, err
	}
	c, cfg, err := svc.OpenByName(ctx, name)
	if err != nil {
		return nil, store.Connection{}, nil, notFound(err, name)
	}
	return svc, c, cfg, nil
}

// start starts the plugin of an opened connection and binds its settings,
// with the plugin's defaults for what they leave out.
func (a *App) start(ctx context.Context, svc *connections.Service, c store.Connection, cfg schema.Config) (*Conn, error) {
	h, err := a.startPlugin(ctx, c.Type)
	if err != nil {
		return nil, err
	}
	return &Conn{Name: c.Name, Type: c.Type, ID: c.ID, Spec: h.Spec, svc: svc, h: h, cfg: cfg.WithDefaults(h.Spec)}, nil
}
