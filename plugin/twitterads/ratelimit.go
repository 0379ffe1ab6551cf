package twitterads

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/openintegrator/integrator/shared"
)

// The two header families: per ads account (on GETs under an account)
// and per user (access token). The account family takes precedence.
var limitScopes = []struct{ scope, prefix string }{
	{"account", "X-Account-Rate-Limit-"},
	{"user", "X-Rate-Limit-"},
}

// limitsOf returns the rate-limit state of each scope present in h,
// account first.
func limitsOf(h http.Header) []shared.RateLimit {
	var out []shared.RateLimit
	for _, s := range limitScopes {
		rem, okRem := headerInt(h, s.prefix+"Remaining")
		reset, okReset := headerInt(h, s.prefix+"Reset")
		if !okRem && !okReset {
			continue
		}
		rl := shared.RateLimit{Scope: s.scope, Remaining: rem}
		if !okRem {
			rl.Remaining = -1
		}
		rl.Limit, _ = headerInt(h, s.prefix+"Limit")
		if okReset {
			rl.Reset = time.Unix(reset, 0)
		}
		out = append(out, rl)
	}
	return out
}

// rateLimit is the state reported in a response head: the account
// family's when present, else the user family's.
func rateLimit(h http.Header) *shared.RateLimit {
	ls := limitsOf(h)
	if len(ls) == 0 {
		return nil
	}
	return &ls[0]
}

// resetOf returns when a 429 may be retried: the reset of the spent
// budget (the account budget first, then the user budget), else the first
// reset given.
func resetOf(h http.Header) (time.Time, string, bool) {
	ls := limitsOf(h)
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

// retryAfter reads a Retry-After header: delay seconds or an HTTP date.
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
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
	v := h.Get(key)
	if v == "" {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	return n, err == nil
}
