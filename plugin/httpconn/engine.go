package httpconn

import (
	"context"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// Engine sends checked, signed requests with retries and waits. One
// Engine serves any number of connections and concurrent calls; it keeps
// one HTTP client, so connections to an API are reused.
type Engine struct {
	log         hclog.Logger
	client      *http.Client
	now         func() time.Time
	sleep       func(ctx context.Context, d time.Duration) error
	jitter      func(d time.Duration) time.Duration
	backoffBase time.Duration
	backoffMax  time.Duration
	bodyIdle    time.Duration
	slots       slots
}

// Backoff after a 5xx answer or a network error: attempt n waits between
// half and all of base·2^(n-1), at most max.
const (
	DefaultBackoffBase = 500 * time.Millisecond
	DefaultBackoffMax  = 30 * time.Second
)

// Options change an Engine's client, clock and waits; zero values mean
// the defaults. Tests shorten the waits or replace the clock.
type Options struct {
	Client      *http.Client // NewClient(); a client given is copied with redirects turned off
	BackoffBase time.Duration
	BackoffMax  time.Duration
	BodyIdle    time.Duration                                    // BodyIdleTimeout
	Now         func() time.Time                                 // time.Now
	Sleep       func(ctx context.Context, d time.Duration) error // Sleep
	Jitter      func(d time.Duration) time.Duration              // a random duration in [0, d)
}

// New returns an engine that logs to log (nil discards).
func New(log hclog.Logger, o Options) *Engine {
	if log == nil {
		log = hclog.NewNullLogger()
	}
	e := &Engine{log: log, client: NewClient(), now: time.Now, sleep: sleepCause,
		jitter:      func(d time.Duration) time.Duration { return rand.N(d) },
		backoffBase: DefaultBackoffBase, backoffMax: DefaultBackoffMax, bodyIdle: BodyIdleTimeout}
	if o.Client != nil {
		c := *o.Client
		c.CheckRedirect = noRedirect
		e.client = &c
	}
	if o.BackoffBase > 0 {
		e.backoffBase = o.BackoffBase
	}
	if o.BackoffMax > 0 {
		e.backoffMax = o.BackoffMax
	}
	if o.BodyIdle > 0 {
		e.bodyIdle = o.BodyIdle
	}
	if o.Now != nil {
		e.now = o.Now
	}
	if o.Sleep != nil {
		e.sleep = o.Sleep
	}
	if o.Jitter != nil {
		e.jitter = o.Jitter
	}
	return e
}

// Do checks req for conn and sends it as Send does, once one of the
// connection's Concurrency places is free (if it has a bound): waiting
// for one ends with ctx, with an error. A refused request is answered
// without a byte sent: status 0, attempts 0, a diagnostic.
func (e *Engine) Do(ctx context.Context, conn Conn, req shared.Request) (*shared.Response, error) {
	o, d := Prepare(conn, req)
	if d != nil {
		e.log.Debug("request refused before sending", "code", d.Code)
		return NoAnswer(shared.ResponseHead{Diagnostics: schema.Diagnostics{*d}}), nil
	}
	if conn.Concurrency <= 0 {
		return e.Send(ctx, o)
	}
	release, err := e.slots.take(ctx, conn.Key, conn.Concurrency)
	if err != nil {
		return nil, err
	}
	resp, err := e.Send(ctx, o)
	if err != nil {
		release()
		return nil, err
	}
	resp.Body = releasing{resp.Body, release}
	return resp, nil
}

// sleepCause waits d or until ctx ends, and then says why it ended.
func sleepCause(ctx context.Context, d time.Duration) error {
	if err := shared.Sleep(ctx, d); err != nil {
		return context.Cause(ctx)
	}
	return nil
}
