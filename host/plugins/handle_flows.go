package plugins

import (
	"context"
	"fmt"

	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// The optional calls go through the supervisor as the others do: a crash
// during one is a CrashError, and the next call starts the plugin again.

var (
	_ shared.Describer = supervised{}
	_ shared.Reporter  = supervised{}
)

// optional returns the process's implementation of an optional call.
func optional[T any](p *proc, method string) (T, error) {
	impl, ok := p.inst.Connector.(T)
	if !ok {
		var none T
		return none, fmt.Errorf("%s: %w", method, shared.ErrUnsupported)
	}
	return impl, nil
}

func (c supervised) Describe(ctx context.Context, cfg schema.Config) (shared.Description, error) {
	p, err := c.h.begin(ctx)
	if err != nil {
		return shared.Description{}, err
	}
	d, err := optional[shared.Describer](p, "Describe")
	if err != nil {
		return shared.Description{}, c.h.s.end(ctx, p, "Describe", err)
	}
	desc, err := d.Describe(ctx, cfg)
	return desc, c.h.s.end(ctx, p, "Describe", err)
}

func (c supervised) CreateReportJob(ctx context.Context, cfg schema.Config, q shared.ReportQuery) (shared.ReportJobs, error) {
	p, err := c.h.begin(ctx)
	if err != nil {
		return shared.ReportJobs{}, err
	}
	r, err := optional[shared.Reporter](p, "CreateReportJob")
	if err != nil {
		return shared.ReportJobs{}, c.h.s.end(ctx, p, "CreateReportJob", err)
	}
	a, err := r.CreateReportJob(ctx, cfg, q)
	return a, c.h.s.end(ctx, p, "CreateReportJob", err)
}

func (c supervised) PollReportJobs(ctx context.Context, cfg schema.Config, account string, ids []string) (shared.ReportJobs, error) {
	p, err := c.h.begin(ctx)
	if err != nil {
		return shared.ReportJobs{}, err
	}
	r, err := optional[shared.Reporter](p, "PollReportJobs")
	if err != nil {
		return shared.ReportJobs{}, c.h.s.end(ctx, p, "PollReportJobs", err)
	}
	a, err := r.PollReportJobs(ctx, cfg, account, ids)
	return a, c.h.s.end(ctx, p, "PollReportJobs", err)
}

// FetchReportJob counts as in flight until its rows are read to the end
// or closed, as DoRequest does.
func (c supervised) FetchReportJob(ctx context.Context, cfg schema.Config, q shared.ReportQuery, job shared.ReportJob) (*shared.Response, error) {
	p, err := c.h.begin(ctx)
	if err != nil {
		return nil, err
	}
	r, err := optional[shared.Reporter](p, "FetchReportJob")
	if err != nil {
		return nil, c.h.s.end(ctx, p, "FetchReportJob", err)
	}
	resp, err := r.FetchReportJob(ctx, cfg, q, job)
	if err != nil {
		return nil, c.h.s.end(ctx, p, "FetchReportJob", err)
	}
	resp.Body = &body{rc: resp.Body, end: func(err error) error { return c.h.s.end(ctx, p, "FetchReportJob", err) }}
	return resp, nil
}

// Describe asks the plugin how the connection's API works.
func (h *Handle) Describe(ctx context.Context, cfg schema.Config) (shared.Description, error) {
	return supervised{h}.Describe(ctx, cfg)
}

// CreateReportJob asks the plugin to create one async report job.
func (h *Handle) CreateReportJob(ctx context.Context, cfg schema.Config, q shared.ReportQuery) (shared.ReportJobs, error) {
	return supervised{h}.CreateReportJob(ctx, cfg, q)
}

// PollReportJobs asks the plugin for the state of report jobs.
func (h *Handle) PollReportJobs(ctx context.Context, cfg schema.Config, account string, ids []string) (shared.ReportJobs, error) {
	return supervised{h}.PollReportJobs(ctx, cfg, account, ids)
}

// FetchReportJob asks the plugin for a finished job's rows.
func (h *Handle) FetchReportJob(ctx context.Context, cfg schema.Config, q shared.ReportQuery, job shared.ReportJob) (*shared.Response, error) {
	return supervised{h}.FetchReportJob(ctx, cfg, q, job)
}
