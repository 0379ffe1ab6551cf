package flows

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// limiter holds back every sender of a run while the connection's rate
// limit is spent or the API asked to wait: one worker's rate limit makes
// all of them wait for the reset, instead of each spending a request to
// learn it.
type limiter struct {
	// onWait, when set, is told each time a new wait begins.
	onWait func(until time.Time, why string)
	// fallback is the wait after a rate limit or a 503 that says nothing
	// of when to come back.
	fallback time.Duration

	mu    sync.Mutex
	until time.Time
}

func newLimiter() *limiter { return &limiter{fallback: time.Second} }

// wait returns when no wait is in force, or when ctx ends.
func (l *limiter) wait(ctx context.Context) error {
	for {
		l.mu.Lock()
		d := time.Until(l.until)
		l.mu.Unlock()
		if d <= 0 {
			return ctx.Err()
		}
		if err := shared.Sleep(ctx, d); err != nil {
			return err
		}
	}
}

// holding reports whether a wait is in force now.
func (l *limiter) holding() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return time.Now().Before(l.until)
}

// hold makes every sender wait until t.
func (l *limiter) hold(t time.Time, why string) {
	l.mu.Lock()
	extend := t.After(l.until)
	if extend {
		l.until = t
	}
	l.mu.Unlock()
	if extend && l.onWait != nil {
		l.onWait(t, why)
	}
}

// observe reads a response head: a rate limit (see rateLimited), a 503
// with retry-after, or a budget with nothing remaining holds everyone
// back until the reset.
func (l *limiter) observe(h shared.ResponseHead) {
	now := time.Now()
	rl := h.RateLimit
	switch {
	case rateLimited(h):
		until := now.Add(l.fallback)
		if rl != nil && rl.Reset.After(now) {
			until = rl.Reset
		}
		if ra, ok := retryAfter(h, now); ok && now.Add(ra).After(until) {
			until = now.Add(ra)
		}
		l.hold(until, "rate limit reached")
	case h.Status == http.StatusServiceUnavailable:
		until := now.Add(l.fallback)
		if ra, ok := retryAfter(h, now); ok {
			until = now.Add(ra)
		}
		l.hold(until, "the API is unavailable (503)")
	case rl != nil && rl.Remaining == 0 && rl.Reset.After(now):
		l.hold(rl.Reset, "rate limit spent")
	}
}

// rateLimited reports whether an answer means that the API's rate limit
// is spent: a 429, or an answer of any status but 2xx that the connector
// marks with shared.CodeRateLimited (an API with a rate-limit status of
// its own, such as 420, which the connector knows from its settings).
// Such a request was not processed: it is sent again after the reset.
func rateLimited(h shared.ResponseHead) bool {
	switch {
	case h.Status >= 200 && h.Status < 300:
		return false
	case h.Status == http.StatusTooManyRequests:
		return true
	}
	d, ok := withCode(h.Diagnostics, shared.CodeRateLimited)
	return ok && d.Severity != schema.SeverityWarning
}

// retryAfter reads a Retry-After header: seconds or an HTTP date.
func retryAfter(h shared.ResponseHead, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.HeaderValue("Retry-After"))
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 32); err == nil && n >= 0 {
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}
