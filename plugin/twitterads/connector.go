package twitterads

import (
	"context"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// Connector is the Twitter Ads connector. One Connector serves any number
// of connections and concurrent calls; it keeps one HTTP client, so
// connections to the API are reused.
type Connector struct {
	log    hclog.Logger
	client *http.Client

	// The clock, waits and backoff; tests replace them.
	now         func() time.Time
	sleep       func(ctx context.Context, d time.Duration) error
	jitter      func(d time.Duration) time.Duration // a random duration in [0, d)
	backoffBase time.Duration
	backoffMax  time.Duration
	bodyIdle    time.Duration
}

var _ shared.Connector = (*Connector)(nil)

// Backoff after a 5xx answer or a network error: attempt n waits between
// half and all of backoffBase·2^(n-1), at most backoffMax.
const (
	defaultBackoffBase = 500 * time.Millisecond
	defaultBackoffMax  = 30 * time.Second
)

// New returns the connector. A nil logger discards.
func New(log hclog.Logger) *Connector {
	if log == nil {
		log = hclog.NewNullLogger()
	}
	return &Connector{
		log:         log,
		client:      newHTTPClient(),
		now:         time.Now,
		sleep:       sleepCtx,
		jitter:      func(d time.Duration) time.Duration { return rand.N(d) },
		backoffBase: defaultBackoffBase,
		backoffMax:  defaultBackoffMax,
		bodyIdle:    BodyIdleTimeout,
	}
}

// GetSchema returns Spec().
func (c *Connector) GetSchema(context.Context) (schema.Spec, error) { return Spec(), nil }

// Validate checks settings locally; it never touches the network.
func (c *Connector) Validate(_ context.Context, cfg schema.Config) (schema.Diagnostics, error) {
	return validate(cfg), nil
}

func (c *Connector) userAgent() string { return "integrator-twitter-ads/" + Version }

// sleepCtx waits for d or until ctx ends, and then returns the reason.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}
