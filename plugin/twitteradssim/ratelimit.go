package twitteradssim

import (
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// A Budget is a number of requests per window. A negative Limit means
// unlimited; 0 refuses every request with 429.
type Budget struct {
	Limit  int
	Window time.Duration
}

// RateLimits are the budgets of each endpoint class. Every budget applies
// per user (access token); on GETs under an account it applies per
// account as well, reported in the x-account-rate-limit-* headers.
type RateLimits struct {
	Write     Budget // POST, PUT, DELETE (batch and stats jobs included): 450 per minute
	Read      Budget // GETs of entities, accounts and stats jobs: 10,000 per 15 minutes
	SyncStats Budget // GET /stats/accounts/:id: 250 per 15 minutes
	NoAccount Budget // GETs without an account id (GET /accounts): 5 per 15 minutes
	Blob      Budget // the simulator's own GET /sim/blob and /sim/counts: unlimited
}

// DefaultRateLimits returns the API's budgets.
func DefaultRateLimits() RateLimits {
	return RateLimits{
		Write:     Budget{450, time.Minute},
		Read:      Budget{10_000, 15 * time.Minute},
		SyncStats: Budget{250, 15 * time.Minute},
		NoAccount: Budget{5, 15 * time.Minute},
		Blob:      Budget{-1, 15 * time.Minute},
	}
}

func (l RateLimits) validate() error {
	for _, b := range []Budget{l.Write, l.Read, l.SyncStats, l.NoAccount, l.Blob} {
		if b.Window <= 0 {
			return fmt.Errorf("rate-limit windows must be positive")
		}
	}
	return nil
}

type limitClass int

const (
	classWrite limitClass = iota
	classRead
	classSyncStats
	classNoAccount
	classBlob
)

func (l RateLimits) budget(c limitClass) Budget {
	switch c {
	case classWrite:
		return l.Write
	case classRead:
		return l.Read
	case classSyncStats:
		return l.SyncStats
	case classNoAccount:
		return l.NoAccount
	}
	return l.Blob
}

// limiter keeps one fixed window per (class, user) and (class, account).
// A window starts with the first request and resets at a whole second.
type limiter struct {
	mu      sync.Mutex
	limits  RateLimits
	now     func() time.Time
	windows map[windowKey]*window
}

type windowKey struct {
	class   limitClass
	user    string
	account int // -1 for the user-level window
}

type window struct {
	remaining int
	reset     time.Time
	refused   int // 429s this window caused
}

const unlimitedHeader = 1_000_000

func newLimiter(l RateLimits, now func() time.Time) *limiter {
	return &limiter{limits: l, now: now, windows: map[windowKey]*window{}}
}

func (l *limiter) set(r RateLimits) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.limits = r
	l.windows = map[windowKey]*window{}
}

func (l *limiter) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.windows = map[windowKey]*window{}
}

// current returns the live window for a key, starting a new one if needed.
func (l *limiter) current(k windowKey, b Budget, now time.Time) *window {
	w := l.windows[k]
	if w == nil || !now.Before(w.reset) {
		reset := now.Add(b.Window).Truncate(time.Second)
		if reset.Before(now.Add(b.Window)) {
			reset = reset.Add(time.Second)
		}
		w = &window{remaining: b.Limit, reset: reset}
		l.windows[k] = w
	}
	return w
}

// take spends one request of class c for user (and account, when >= 0),
// sets the rate-limit headers, and returns a 429 when a budget is spent.
// overspent says that the 429 is not the first of a spent window: the
// client came back before the reset although it had been told to wait
// (or several clients share a budget without sharing what they learn).
func (l *limiter) take(h http.Header, c limitClass, user string, account int) (herr *httpError, overspent bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.limits.budget(c)
	now := l.now()
	if b.Limit < 0 {
		setLimitHeaders(h, "x-rate-limit-", unlimitedHeader, unlimitedHeader, now.Add(b.Window))
		if account >= 0 {
			setLimitHeaders(h, "x-account-rate-limit-", unlimitedHeader, unlimitedHeader, now.Add(b.Window))
		}
		return nil, false
	}
	uw := l.current(windowKey{c, user, -1}, b, now)
	var aw *window
	if account >= 0 {
		aw = l.current(windowKey{c, "", account}, b, now)
	}
	allowed := uw.remaining > 0 && (aw == nil || aw.remaining > 0)
	if allowed {
		uw.remaining--
		if aw != nil {
			aw.remaining--
		}
	}
	setLimitHeaders(h, "x-rate-limit-", b.Limit, uw.remaining, uw.reset)
	if aw != nil {
		setLimitHeaders(h, "x-account-rate-limit-", b.Limit, aw.remaining, aw.reset)
	}
	if !allowed {
		for _, w := range []*window{uw, aw} {
			if w != nil && w.remaining <= 0 {
				if w.refused++; w.refused > 1 {
					overspent = true
				}
			}
		}
		return newError(http.StatusTooManyRequests, CodeTooManyRequests, "Rate limit exceeded"), overspent
	}
	return nil, false
}

func setLimitHeaders(h http.Header, prefix string, limit, remaining int, reset time.Time) {
	h.Set(prefix+"limit", strconv.Itoa(limit))
	h.Set(prefix+"remaining", strconv.Itoa(remaining))
	h.Set(prefix+"reset", strconv.FormatInt(ceilUnix(reset), 10))
}

// ceilUnix is t in whole epoch seconds, rounded up, so a client that
// waits until then never comes back early.
func ceilUnix(t time.Time) int64 {
	s := t.Unix()
	if t.Nanosecond() > 0 {
		s++
	}
	return s
}
