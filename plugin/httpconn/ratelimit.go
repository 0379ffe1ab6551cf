package httpconn

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/openintegrator/integrator/shared"
)

// RateLimits says how an API reports its budgets and asks clients to
// wait.
type RateLimits struct {
	// Statuses are the answers that mean a spent budget: the request was
	// not processed, so it is sent again, whatever its method, after the
	// budget's reset. nil means 429.
	Statuses []int
	// Unavailable are the answers that ask to come back later without a
	// budget: sent again, whatever the method, after RetryAfter, else a
	// backoff. nil means 503.
	Unavailable []int
	// Budgets are the header families that describe budgets, in order of
	// preference: the first present is reported in the response head.
	Budgets []Budget
	// RetryAfter is the header that asks for a wait, in seconds or as an
	// HTTP date; "" means Retry-After.
	RetryAfter string
}

// Budget names the headers of one rate-limit budget.
type Budget struct {
	Scope                   string // reported in the head and messages, as "user"
	Limit, Remaining, Reset string // header names
	// ResetIn says that Reset counts seconds from now; otherwise it is a
	// Unix time in seconds.
	ResetIn bool
}

// Prefixed is a Budget whose headers are prefix+"Limit", "Remaining" and
// "Reset", as "X-RateLimit-Limit".
func Prefixed(scope, prefix string) Budget {
	return Budget{Scope: scope, Limit: prefix + "Limit", Remaining: prefix + "Remaining", Reset: prefix + "Reset"}
}

func (r *RateLimits) limited(status int) bool {
	if r.Statuses == nil {
		return status == http.StatusTooManyRequests
	}
	return slices.Contains(r.Statuses, status)
}

func (r *RateLimits) unavailable(status int) bool {
	if r.Unavailable == nil {
		return status == http.StatusServiceUnavailable
	}
	return slices.Contains(r.Unavailable, status)
}

// All returns the state of each budget present in h, in order of
// preference. A budget without a Remaining header has Remaining -1.
func (r *RateLimits) All(h http.Header, now time.Time) []shared.RateLimit {
	var out []shared.RateLimit
	for _, b := range r.Budgets {
		rem, okRem := headerInt(h, b.Remaining)
		reset, okReset := headerInt(h, b.Reset)
		if !okRem && !okReset {
			continue
		}
		rl := shared.RateLimit{Scope: b.Scope, Remaining: rem}
		if !okRem {
			rl.Remaining = -1
		}
		rl.Limit, _ = headerInt(h, b.Limit)
		switch {
		case okReset && b.ResetIn:
			rl.Reset = now.Add(time.Duration(min(max(reset, 0), 1<<31)) * time.Second)
		case okReset:
			rl.Reset = time.Unix(reset, 0)
		}
		out = append(out, rl)
	}
	return out
}

// State is the state reported in a response head: the first budget
// present, or nil.
func (r *RateLimits) State(h http.Header, now time.Time) *shared.RateLimit {
	ls := r.All(h, now)
	if len(ls) == 0 {
		return nil
	}
	return &ls[0]
}

// ResetOf returns when a rate-limited request may be sent again: the
// reset of the first spent budget, else the first reset given.
func (r *RateLimits) ResetOf(h http.Header, now time.Time) (reset time.Time, scope string, ok bool) {
	ls := r.All(h, now)
	for _, l := range ls {
		if l.Remaining == 0 && !l.Reset.IsZero() {
			return l.Reset, l.Scope, true
		}
	}
	for _, l := range ls {
		if !l.Reset.IsZero() {
			return l.Reset, l.Scope, true
		}
	}
	return time.Time{}, "", false
}

// comeBack is the rate-limit state reported in the head of a rate limit
// the engine did not wait for. A host reads Retry-After itself, but not a
// retry-after header of another name: when the profile names one and it
// asks for a longer wait than the reset, the state's Reset is moved to
// the end of that wait (rounded up to the second, as the contract carries
// whole seconds), so that a host does not come back before it. Without a
// budget in the answer the state is one of unknown Remaining (-1).
func (r *RateLimits) comeBack(state *shared.RateLimit, h http.Header, now time.Time) *shared.RateLimit {
	if r.RetryAfter == "" || http.CanonicalHeaderKey(r.RetryAfter) == "Retry-After" {
		return state
	}
	ra, ok := r.retryAfter(h, now)
	if !ok {
		return state
	}
	at := now.Add(ra)
	if t := at.Truncate(time.Second); !t.Equal(at) {
		at = t.Add(time.Second)
	}
	if state != nil && !state.Reset.Before(at) {
		return state
	}
	out := shared.RateLimit{Remaining: -1}
	if state != nil {
		out = *state
	}
	out.Reset = at
	return &out
}

// retryAfter reads the Retry-After header: delay seconds or an HTTP date.
func (r *RateLimits) retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	name := r.RetryAfter
	if name == "" {
		name = "Retry-After"
	}
	v := strings.TrimSpace(h.Get(name))
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= 0 {
		if n > 1<<31 {
			n = 1 << 31
		}
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

func headerInt(h http.Header, key string) (int64, bool) {
	if key == "" {
		return 0, false
	}
	v := h.Get(key)
	if v == "" {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	return n, err == nil
}
