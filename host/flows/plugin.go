package flows

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/openintegrator/integrator/shared"
)

// Conn is a started plugin together with a connection's settings: what
// the flows send requests through.
type Conn interface {
	DoRequest(ctx context.Context, req shared.Request) (*shared.Response, error)
	// Describe says how the connection's API pages its lists and runs
	// its reports (an error wrapping shared.ErrUnsupported: it does not say).
	Describe(ctx context.Context) (shared.Description, error)
	CreateReportJob(ctx context.Context, q shared.ReportQuery) (shared.ReportJobs, error)
	PollReportJobs(ctx context.Context, account string, ids []string) (shared.ReportJobs, error)
	FetchReportJob(ctx context.Context, q shared.ReportQuery, job shared.ReportJob) (*shared.Response, error)
	Close()
}

// StartFunc starts a connection's plugin.
type StartFunc func(ctx context.Context) (Conn, error)

// DefaultMaxRestarts is how often a Plugin starts a plugin again in one
// run before it gives up.
const DefaultMaxRestarts = 5

// startRetries is how often a restart that failed is tried again.
const startRetries = 2

// ErrTooManyRestarts is returned once a Plugin has restarted its plugin
// as often as allowed and it stopped again.
var ErrTooManyRestarts = errors.New("the plugin stopped too often")

// Plugin sends requests through a connection's plugin and starts the
// plugin again when its process has died: a request that fails because
// the plugin is gone marks it dead, and the next request starts it anew.
// The failed request is not retried here; the caller knows whether that
// is safe. It is safe for concurrent use.
type Plugin struct {
	start       StartFunc
	maxRestarts int
	// OnRestart, when set, is called after the plugin was started again;
	// n counts the restarts, cause is why the previous one was given up.
	OnRestart func(n int, cause error)

	mu       sync.Mutex
	conn     Conn
	gen      int // incremented on each start
	restarts int
	cause    error // why the last instance was given up
}

// NewPlugin returns a Plugin that starts its plugin with start, on first
// use, and at most maxRestarts times again (DefaultMaxRestarts if 0).
func NewPlugin(start StartFunc, maxRestarts int) *Plugin {
	if maxRestarts == 0 {
		maxRestarts = DefaultMaxRestarts
	}
	return &Plugin{start: start, maxRestarts: maxRestarts}
}

// PluginDown reports whether err says the plugin process is gone.
func PluginDown(err error) bool { return errors.Is(err, shared.ErrPluginUnavailable) }

// DoRequest sends req through the current plugin, starting it first if
// needed. A response body whose stream breaks because the plugin died
// also marks the plugin dead.
func (p *Plugin) DoRequest(ctx context.Context, req shared.Request) (*shared.Response, error) {
	conn, gen, err := p.current(ctx)
	if err != nil {
		return nil, &NotSentError{err}
	}
	resp, err := conn.DoRequest(ctx, req)
	if err != nil {
		if PluginDown(err) {
			p.down(gen, err)
		}
		return nil, err
	}
	resp.Body = &watchedBody{ReadCloser: resp.Body, down: func(err error) { p.down(gen, err) }}
	return resp, nil
}

// NotSentError is the error of a request that was never handed to a
// plugin, because none could be started.
type NotSentError struct{ Err error }

func (e *NotSentError) Error() string { return e.Err.Error() }
func (e *NotSentError) Unwrap() error { return e.Err }

// Restarts returns how often the plugin was started again.
func (p *Plugin) Restarts() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.restarts
}

// Close stops the plugin, if it runs.
func (p *Plugin) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.conn != nil {
		p.conn.Close()
		p.conn = nil
	}
}

func (p *Plugin) current(ctx context.Context) (Conn, int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.conn != nil {
		return p.conn, p.gen, nil
	}
	restart := p.gen > 0
	if restart && p.restarts >= p.maxRestarts {
		return nil, 0, fmt.Errorf("%w (%d restarts); the last time: %v", ErrTooManyRestarts, p.restarts, p.cause)
	}
	conn, err := p.start(ctx)
	// A plugin that worked before may die again while starting (the
	// cause that killed it may still be there): try a few more times.
	for try := 1; err != nil && restart && try <= startRetries && ctx.Err() == nil; try++ {
		if shared.Sleep(ctx, time.Duration(try)*100*time.Millisecond) != nil {
			break
		}
		conn, err = p.start(ctx)
	}
	if err != nil {
		return nil, 0, err
	}
	p.conn = conn
	p.gen++
	if restart {
		p.restarts++
		if p.OnRestart != nil {
			p.OnRestart(p.restarts, p.cause)
		}
	}
	return conn, p.gen, nil
}

// down gives up the instance of generation gen, unless that happened
// already.
func (p *Plugin) down(gen int, cause error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if gen != p.gen || p.conn == nil {
		return
	}
	p.conn.Close()
	p.conn = nil
	p.cause = cause
}

// watchedBody reports a body stream broken by a dead plugin.
type watchedBody struct {
	io.ReadCloser
	down func(error)
}

func (b *watchedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && err != io.EOF && PluginDown(err) {
		b.down(err)
	}
	return n, err
}

// noteRestarts makes p report its restarts on pr, unless someone listens
// already.
func noteRestarts(p *Plugin, pr Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.OnRestart == nil {
		p.OnRestart = func(n int, cause error) {
			pr.Note("The plugin stopped (%v); started it again (restart %d of at most %d)", cause, n, p.maxRestarts)
		}
	}
}

// Ready starts the plugin unless it runs, so that the request sent next
// is handed to it at once. A plugin that cannot be started gives a
// *NotSentError.
func (p *Plugin) Ready(ctx context.Context) error {
	if _, _, err := p.current(ctx); err != nil {
		return &NotSentError{err}
	}
	return nil
}
