package plugins

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// ErrStopped is wrapped by the error of a call whose plugin process the
// supervisor stopped while the call ran (at Shutdown, for one).
var ErrStopped = errors.New("plugin stopped")

// StoppedError is the error of a call whose plugin process the supervisor
// stopped while the call ran. It wraps ErrStopped.
type StoppedError struct {
	Type   string
	Reason string // "integrator is exiting", "idle", "its binary was replaced"
	Call   string
}

func (e *StoppedError) Error() string {
	if e.Call != "" {
		return fmt.Sprintf("plugin %s was stopped during %s (%s)", e.Type, e.Call, e.Reason)
	}
	return fmt.Sprintf("plugin %s was stopped (%s)", e.Type, e.Reason)
}

func (e *StoppedError) Unwrap() error { return ErrStopped }

// CrashError is the error of a call whose plugin process crashed. It wraps
// shared.ErrPluginUnavailable.
type CrashError struct {
	Type   string
	Path   string
	Pid    int
	Status string // how it exited: "signal: killed", "exit status 2"
	Call   string // the call that failed
	Log    string // the plugin's log file; "" when none is kept
	Panic  string // the panic line on its stderr, if it panicked
}

func (e *CrashError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "plugin %s crashed", e.Type)
	if e.Call != "" {
		fmt.Fprintf(&b, " during %s", e.Call)
	}
	fmt.Fprintf(&b, " (pid %d, %s)", e.Pid, e.Status)
	if e.Panic != "" {
		fmt.Fprintf(&b, ": %s", e.Panic)
	}
	b.WriteString("; it is started again on next use")
	if e.Log != "" {
		fmt.Fprintf(&b, "; its log: %s", e.Log)
	}
	return b.String()
}

func (e *CrashError) Unwrap() error { return shared.ErrPluginUnavailable }

// panicLine returns the "panic: ..." or "fatal error: ..." line of a Go
// program's stderr, or "".
func panicLine(stderr string) string {
	for _, l := range strings.Split(stderr, "\n") {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "panic: ") || strings.HasPrefix(l, "fatal error: ") {
			return l
		}
	}
	return ""
}

type procState int

const (
	running  procState = iota
	stopping           // the supervisor stops it
	crashed            // it died, or could no longer be reached
)

// proc is one plugin process.
type proc struct {
	sl      *slot
	target  Target
	inst    *shared.Instance
	log     *pluginLog
	stderr  *tail
	started time.Time

	// guarded by Supervisor.mu
	calls  int
	state  procState
	reason string // why it is stopped

	gone chan struct{} // closed once it exited and err is set
	err  error         // *CrashError, or a stop error wrapping ErrStopped
}

// launch starts a process for t, with its stderr going to the type's log.
func (s *Supervisor) launch(t Target) (*proc, error) {
	p := &proc{target: t, stderr: &tail{}, gone: make(chan struct{})}
	o := s.cfg.Client
	o.Checksum = Verdict{SHA256: t.SHA256}.Checksum()
	o.Stderr = p.stderr
	if s.cfg.LogDir != "" {
		l, err := openPluginLog(s.cfg.LogDir, t.Type)
		if err != nil {
			s.log.Warn("cannot open the plugin's log file", "type", t.Type, "error", err)
		} else {
			p.log = l
			o.Stderr = io.MultiWriter(p.stderr, l)
		}
	}
	inst, err := Start(s.ctx, t.Candidate, s.cfg.Cache, o)
	if err != nil {
		p.log.event("plugin failed to start", "path", t.Path, "error", err.Error())
		p.log.Close()
		return nil, err
	}
	p.inst, p.started = inst, time.Now()
	p.log.event("plugin process started", "pid", inst.Pid(), "path", t.Path, "sha256", t.SHA256)
	return p, nil
}

// Handle is a caller's use of the plugin process of one connector type.
// Its Connector methods go to the type's live process, which the
// supervisor starts again after a crash; a call in flight when the process
// dies fails with a *CrashError. Close releases the handle; it does not
// stop the process.
type Handle struct {
	shared.Connector
	// Spec is the plugin's schema.
	Spec schema.Spec
	// Protocol is the plugin protocol version it speaks.
	Protocol int

	s        *Supervisor
	sl       *slot
	released atomic.Bool
}

// Close releases the handle. Calls made through it afterwards fail.
func (h *Handle) Close() {
	if h.released.CompareAndSwap(false, true) {
		h.s.release(h.sl)
	}
}

var errReleased = errors.New("plugin handle used after Close")

func (h *Handle) begin(ctx context.Context) (*proc, error) {
	if h.released.Load() {
		return nil, errReleased
	}
	return h.s.use(ctx, h.sl)
}

// supervised is the Connector of a Handle.
type supervised struct{ h *Handle }

func (c supervised) GetSchema(ctx context.Context) (schema.Spec, error) {
	p, err := c.h.begin(ctx)
	if err != nil {
		return schema.Spec{}, err
	}
	spec, err := p.inst.GetSchema(ctx)
	return spec, c.h.s.end(ctx, p, "GetSchema", err)
}

func (c supervised) Validate(ctx context.Context, cfg schema.Config) (schema.Diagnostics, error) {
	p, err := c.h.begin(ctx)
	if err != nil {
		return nil, err
	}
	ds, err := p.inst.Validate(ctx, cfg)
	return ds, c.h.s.end(ctx, p, "Validate", err)
}

func (c supervised) Ping(ctx context.Context, cfg schema.Config) (shared.PingResult, error) {
	p, err := c.h.begin(ctx)
	if err != nil {
		return shared.PingResult{}, err
	}
	res, err := p.inst.Ping(ctx, cfg)
	return res, c.h.s.end(ctx, p, "Ping", err)
}

// DoRequest counts as in flight until its body is read to the end or
// closed: the body streams from the process.
func (c supervised) DoRequest(ctx context.Context, cfg schema.Config, req shared.Request) (*shared.Response, error) {
	p, err := c.h.begin(ctx)
	if err != nil {
		return nil, err
	}
	resp, err := p.inst.DoRequest(ctx, cfg, req)
	if err != nil {
		return nil, c.h.s.end(ctx, p, "DoRequest", err)
	}
	resp.Body = &body{rc: resp.Body, end: func(err error) error { return c.h.s.end(ctx, p, "DoRequest", err) }}
	return resp, nil
}

// body ends its call once, at EOF, on an error or at Close.
type body struct {
	rc     io.ReadCloser
	end    func(error) error
	once   sync.Once
	err    error       // the ended call's error, returned by later reads
	closed atomic.Bool // by the caller: a read error after that is no crash
}

func (b *body) finish(err error) error {
	b.once.Do(func() { b.err = b.end(err) })
	return b.err
}

func (b *body) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	switch {
	case err == io.EOF:
		b.finish(nil)
	case err != nil && b.closed.Load():
		b.finish(nil)
	case err != nil:
		if e := b.finish(err); e != nil {
			err = e
		}
	}
	return n, err
}

func (b *body) Close() error {
	b.closed.Store(true)
	err := b.rc.Close()
	b.finish(nil)
	return err
}
