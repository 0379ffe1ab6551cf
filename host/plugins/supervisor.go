package plugins

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/openintegrator/integrator/shared"
)

// Defaults of SupervisorConfig.
const (
	DefaultIdleTimeout = 5 * time.Minute
	DefaultBackoffMin  = 500 * time.Millisecond
	DefaultBackoffMax  = 30 * time.Second
	DefaultStableAfter = time.Minute
)

// SupervisorConfig configures a Supervisor.
type SupervisorConfig struct {
	// Client is how processes are started. Its Checksum and Stderr are
	// set per start.
	Client shared.ClientOptions
	// Cache holds the verified copies the plugins run from.
	Cache *ExecCache
	// IdleTimeout stops a process that has had no handle and no call for
	// that long. 0 means DefaultIdleTimeout; a negative value never stops.
	IdleTimeout time.Duration
	// LogDir, when set, receives each type's plugin standard error (its
	// log) in <type>.log, which crash errors point at.
	LogDir string
	// Backoff paces restarts after crashes and failed starts.
	Backoff Backoff
	// Logger receives the supervisor's own messages (a crash between
	// calls, for one). nil: Client.Logger, or none.
	Logger hclog.Logger
}

// Backoff paces restarts. The first crash is restarted on next use at
// once; each further crash in a row doubles the wait, from Min up to Max. A
// process that ran for StableAfter ends the row.
type Backoff struct {
	Min, Max, StableAfter time.Duration
}

// delay is the wait before the next start after failures crashes or failed
// starts in a row.
func (b Backoff) delay(failures int) time.Duration {
	if failures <= 1 {
		return 0
	}
	d := b.Min
	for i := 2; i < failures && d < b.Max; i++ {
		d *= 2
	}
	return min(d, b.Max)
}

// Target is a plugin binary the supervisor may run for a type: a candidate
// and the checksum the file must have.
type Target struct {
	Candidate
	SHA256 string // hex
}

func (t Target) same(u Target) bool { return t.Path == u.Path && t.SHA256 == u.SHA256 }

// Supervisor runs connector plugins for the host. There is at most one
// process per connector type: it is started on first use and shared by
// every caller and every concurrent call. A process that crashes fails the
// calls in flight with a *CrashError and is started afresh on next use,
// after a backoff when it keeps crashing. A process nobody uses for
// IdleTimeout is stopped. Shutdown stops them all.
//
// go-plugin itself never restarts a plugin, and its managed clients are not
// used: every process is owned here.
type Supervisor struct {
	cfg    SupervisorConfig
	log    hclog.Logger
	ctx    context.Context // ends at Shutdown
	cancel context.CancelFunc

	mu     sync.Mutex
	slots  map[string]*slot
	live   map[*proc]bool // processes that have not exited
	closed bool
}

// slot is the state of one connector type.
type slot struct {
	target    Target
	proc      *proc      // the process calls go to; nil when none runs
	starting  *startCall // a start in progress
	handles   int        // handles not yet released
	failures  int        // crashes and failed starts in a row
	notBefore time.Time  // no start before this (backoff)
	lastErr   error      // the last crash or failed start
	idle      *time.Timer
	starts    int
}

type startCall struct {
	done chan struct{}
	err  error
}

// NewSupervisor returns a supervisor that has started nothing yet.
func NewSupervisor(cfg SupervisorConfig) *Supervisor {
	if cfg.IdleTimeout == 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	b := &cfg.Backoff
	if b.Min <= 0 {
		b.Min = DefaultBackoffMin
	}
	if b.Max < b.Min {
		b.Max = max(DefaultBackoffMax, b.Min)
	}
	if b.StableAfter <= 0 {
		b.StableAfter = DefaultStableAfter
	}
	log := cfg.Logger
	if log == nil {
		log = cfg.Client.Logger
	}
	if log == nil {
		log = hclog.NewNullLogger()
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Supervisor{cfg: cfg, log: log, ctx: ctx, cancel: cancel, slots: map[string]*slot{}, live: map[*proc]bool{}}
}

// ErrShutdown is returned for calls made after Shutdown began.
var ErrShutdown = errors.New("integrator is shutting down: the plugin was stopped")

// Acquire returns a handle to the plugin process for t.Type, starting it
// when none runs. The handle's calls always go to the live process of the
// type, started again after a crash. Close the handle when done: that
// releases it; the process stops when it has been idle long enough, or at
// Shutdown.
//
// When t differs from the binary the type ran with so far (the user trusted
// another one), the old process is stopped once its calls have finished.
func (s *Supervisor) Acquire(ctx context.Context, t Target) (*Handle, error) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil, ErrShutdown
	}
	sl := s.slots[t.Type]
	switch {
	case sl == nil:
		sl = &slot{target: t}
		s.slots[t.Type] = sl
	case !sl.target.same(t):
		sl.target, sl.failures, sl.notBefore, sl.lastErr = t, 0, time.Time{}, nil
		if p := sl.proc; p != nil {
			sl.proc = nil
			s.stopLocked(p, "its binary was replaced", false)
		}
	}
	sl.handles++
	sl.stopIdle()
	s.mu.Unlock()

	p, err := s.use(ctx, sl)
	if err != nil {
		s.release(sl)
		return nil, err
	}
	h := &Handle{Spec: p.inst.Spec, Protocol: p.inst.Protocol, s: s, sl: sl}
	h.Connector = supervised{h}
	s.end(ctx, p, "", nil)
	return h, nil
}

// use returns the live process of the slot with a call counted on it,
// starting one when none runs.
func (s *Supervisor) use(ctx context.Context, sl *slot) (*proc, error) {
	for {
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			return nil, ErrShutdown
		}
		if p := sl.proc; p != nil {
			if p.inst.Exited() {
				// It died a moment ago and the exit watcher has not caught
				// up: never hand out a dead process.
				s.crashedLocked(p)
				s.mu.Unlock()
				continue
			}
			p.calls++
			sl.stopIdle()
			s.mu.Unlock()
			return p, nil
		}
		sc := sl.starting
		if sc == nil {
			if wait := time.Until(sl.notBefore); wait > 0 {
				err := fmt.Errorf("plugin %s failed %d times in a row, the last time: %w; it is started again in %s",
					sl.target.Type, sl.failures, sl.lastErr, wait.Round(time.Millisecond))
				s.mu.Unlock()
				if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
					return nil, err
				}
				s.log.Debug("waiting before restarting a plugin", "type", sl.target.Type, "wait", wait)
				if shared.Sleep(ctx, wait) != nil {
					return nil, context.Cause(ctx)
				}
				continue
			}
			sc = &startCall{done: make(chan struct{})}
			sl.starting = sc
			go s.start(sl, sl.target, sc)
		}
		s.mu.Unlock()
		select {
		case <-sc.done:
		case <-ctx.Done():
			return nil, context.Cause(ctx)
		}
		if sc.err != nil {
			return nil, sc.err
		}
	}
}

// start runs one process for the slot and installs it, unless the
// supervisor shut down or the slot's target changed meanwhile.
func (s *Supervisor) start(sl *slot, t Target, sc *startCall) {
	p, err := s.launch(t)
	s.mu.Lock()
	defer s.mu.Unlock()
	sl.starting = nil
	switch {
	case err != nil:
		s.failedLocked(sl, 0, err)
		sc.err = err
	default:
		p.sl = sl
		s.live[p] = true
		go s.watch(p)
		switch {
		case s.closed:
			s.stopLocked(p, "integrator is exiting", true)
			sc.err = ErrShutdown
		case !sl.target.same(t):
			s.stopLocked(p, "its binary was replaced", true)
		default:
			sl.proc = p
			sl.starts++
			s.maybeIdleLocked(sl)
		}
	}
	close(sc.done)
}

// watch waits for the process to exit and settles its state.
func (s *Supervisor) watch(p *proc) {
	<-p.inst.Done()
	status := p.inst.ExitStatus()
	p.log.event("plugin process exited", "pid", p.inst.Pid(), "status", status)
	p.log.Close()
	s.mu.Lock()
	delete(s.live, p)
	// A process still running when it exited was not asked to stop: it
	// crashed. Calls in flight report that; with none, it is logged here.
	s.crashedLocked(p)
	unseen := p.state == crashed && p.calls == 0
	if p.state == crashed {
		p.err = &CrashError{Type: p.target.Type, Path: p.target.Path, Pid: p.inst.Pid(), Status: status,
			Log: p.log.Path(), Panic: panicLine(p.stderr.String())}
	} else {
		p.err = &StoppedError{Type: p.target.Type, Reason: p.reason}
	}
	s.mu.Unlock()
	if unseen {
		s.log.Warn("plugin crashed; it is started again on next use", "type", p.target.Type, "pid", p.inst.Pid(),
			"status", status, "log", p.log.Path())
	}
	p.inst.Close() // releases go-plugin's side of the connection
	close(p.gone)
}

// crashedLocked marks a process that was running as crashed and takes it
// out of its slot, counting the failure.
func (s *Supervisor) crashedLocked(p *proc) {
	if p.state != running {
		return
	}
	p.state = crashed
	sl := p.sl
	if sl.proc == p {
		sl.proc = nil
		sl.stopIdle()
	}
	lived := time.Since(p.started)
	s.failedLocked(sl, lived, fmt.Errorf("it crashed (pid %d)", p.inst.Pid()))
}

// failedLocked counts a crash or a failed start and sets the backoff.
func (s *Supervisor) failedLocked(sl *slot, lived time.Duration, err error) {
	if lived >= s.cfg.Backoff.StableAfter {
		sl.failures = 0
	}
	sl.failures++
	sl.lastErr = err
	sl.notBefore = time.Now().Add(s.cfg.Backoff.delay(sl.failures))
}

// stopLocked stops a process the supervisor no longer wants: at once, or
// once its calls in flight have finished.
func (s *Supervisor) stopLocked(p *proc, reason string, now bool) {
	if p.state != running {
		return
	}
	p.state, p.reason = stopping, reason
	if now || p.calls == 0 {
		go p.inst.Close()
	}
}

// end finishes a call on p. A call that failed because the process died
// gets the crash error in place of the transport's.
//
// A call cancelled while the caller's context is still live was cut off
// by the supervisor stopping its process; it gets the stop error.
func (s *Supervisor) end(ctx context.Context, p *proc, call string, err error) error {
	if err != nil && ctx.Err() == nil {
		s.mu.Lock()
		stopped := p.state == stopping
		s.mu.Unlock()
		if errors.Is(err, shared.ErrPluginUnavailable) || p.inst.Exited() || stopped && errors.Is(err, context.Canceled) {
			err = s.lost(p, call, err)
		}
	}
	s.mu.Lock()
	p.calls--
	if p.calls == 0 && p.state == stopping {
		go p.inst.Close()
	}
	s.maybeIdleLocked(p.sl)
	s.mu.Unlock()
	return err
}

// lost handles a call that failed because its process is gone or cannot be
// reached: the process is made sure dead, and the call gets the crash (or
// stop) error.
func (s *Supervisor) lost(p *proc, call string, cause error) error {
	s.mu.Lock()
	s.crashedLocked(p)
	s.mu.Unlock()
	go p.inst.Close()
	select {
	case <-p.gone:
	case <-time.After(10 * time.Second):
		return fmt.Errorf("plugin %s stopped answering during %s: %w", p.target.Type, call, cause)
	}
	switch e := p.err.(type) {
	case *CrashError:
		c := *e
		c.Call = call
		return &c
	case *StoppedError:
		c := *e
		c.Call = call
		return &c
	}
	return p.err
}

func (s *Supervisor) release(sl *slot) {
	s.mu.Lock()
	sl.handles--
	s.maybeIdleLocked(sl)
	s.mu.Unlock()
}

// maybeIdleLocked arms the idle timer of a slot whose process has no
// handle and no call.
func (s *Supervisor) maybeIdleLocked(sl *slot) {
	p := sl.proc
	if p == nil || sl.handles > 0 || p.calls > 0 || sl.idle != nil || s.cfg.IdleTimeout < 0 || s.closed {
		return
	}
	var timer *time.Timer
	timer = time.AfterFunc(s.cfg.IdleTimeout, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if sl.idle != timer { // stopped meanwhile
			return
		}
		sl.idle = nil
		if sl.proc != p || sl.handles > 0 || p.calls > 0 {
			return
		}
		sl.proc = nil
		s.log.Debug("stopping an idle plugin", "type", p.target.Type, "pid", p.inst.Pid())
		s.stopLocked(p, "idle", false)
	})
	sl.idle = timer
}

func (sl *slot) stopIdle() {
	if sl.idle != nil {
		sl.idle.Stop()
		sl.idle = nil
	}
}

// Shutdown stops every plugin process and returns once they have exited;
// starts in progress are waited for and stopped too. Calls in flight fail.
// The supervisor cannot be used afterwards. It is safe to call more than
// once.
func (s *Supervisor) Shutdown() {
	s.mu.Lock()
	s.closed = true
	s.cancel()
	var starts []*startCall
	for _, sl := range s.slots {
		sl.stopIdle()
		sl.proc = nil
		if sl.starting != nil {
			starts = append(starts, sl.starting)
		}
	}
	s.mu.Unlock()
	for _, sc := range starts {
		<-sc.done // start sees closed and stops what it started
	}
	s.mu.Lock()
	var procs []*proc
	for p := range s.live {
		s.stopLocked(p, "integrator is exiting", true)
		procs = append(procs, p)
	}
	s.mu.Unlock()
	for _, p := range procs {
		<-p.gone
	}
}

// Status describes the process of one connector type.
type Status struct {
	Type     string
	Path     string
	Pid      int // 0 when no process runs
	Started  time.Time
	Calls    int // in flight
	Handles  int
	Starts   int // processes started so far
	Failures int // crashes and failed starts in a row
	LastErr  string
}

// Status lists the supervised types, by type.
func (s *Supervisor) Status() []Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Status
	for typ, sl := range s.slots {
		st := Status{Type: typ, Path: sl.target.Path, Handles: sl.handles, Starts: sl.starts, Failures: sl.failures}
		if sl.lastErr != nil {
			st.LastErr = sl.lastErr.Error()
		}
		if p := sl.proc; p != nil {
			st.Pid, st.Started, st.Calls = p.inst.Pid(), p.started, p.calls
		}
		out = append(out, st)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Type < out[j].Type })
	return out
}
