package flows

import (
	"context"

	"github.com/openintegrator/integrator/shared"
)

// The calls beside DoRequest go through the current plugin the same way:
// started first if needed, marked dead when the process is gone.

// Describe asks the plugin how the connection's API works.
func (p *Plugin) Describe(ctx context.Context) (shared.Description, error) {
	return call(ctx, p, func(c Conn) (shared.Description, error) { return c.Describe(ctx) })
}

// CreateReportJob asks the plugin to create one async report job.
func (p *Plugin) CreateReportJob(ctx context.Context, q shared.ReportQuery) (shared.ReportJobs, error) {
	return call(ctx, p, func(c Conn) (shared.ReportJobs, error) { return c.CreateReportJob(ctx, q) })
}

// PollReportJobs asks the plugin for the state of jobs.
func (p *Plugin) PollReportJobs(ctx context.Context, account string, ids []string) (shared.ReportJobs, error) {
	return call(ctx, p, func(c Conn) (shared.ReportJobs, error) { return c.PollReportJobs(ctx, account, ids) })
}

// FetchReportJob asks the plugin for a job's rows; a body that breaks
// because the plugin died marks it dead, as DoRequest's does.
func (p *Plugin) FetchReportJob(ctx context.Context, q shared.ReportQuery, job shared.ReportJob) (*shared.Response, error) {
	var gen int
	resp, err := call(ctx, p, func(c Conn) (*shared.Response, error) {
		p.mu.Lock()
		gen = p.gen
		p.mu.Unlock()
		return c.FetchReportJob(ctx, q, job)
	})
	if err != nil {
		return nil, err
	}
	resp.Body = &watchedBody{ReadCloser: resp.Body, down: func(err error) { p.down(gen, err) }}
	return resp, nil
}

// call runs do on the current plugin, starting it first if needed.
func call[T any](ctx context.Context, p *Plugin, do func(Conn) (T, error)) (T, error) {
	conn, gen, err := p.current(ctx)
	if err != nil {
		var none T
		return none, &NotSentError{err}
	}
	v, err := do(conn)
	if err != nil && PluginDown(err) {
		p.down(gen, err)
	}
	return v, err
}
