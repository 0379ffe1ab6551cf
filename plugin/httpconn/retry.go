package httpconn

import (
	"net/http"
	"strconv"
	"time"

	"github.com/openintegrator/integrator/schema"
)

// Reasons for a wait before the next attempt (Wait.Reason).
const (
	ReasonRateLimited = "rate_limited" // a RateLimits.Statuses answer: wait for the reset
	ReasonUnavailable = "unavailable"  // a RateLimits.Unavailable answer: wait for Retry-After
	ReasonServerError = "server_error" // another 5xx: back off
	ReasonReplayed    = "replayed"     // a 401 after the transport replayed the request: sign anew
	// After a network error the reason is the error's diagnostic code,
	// such as connection_reset.
)

// Wait describes a wait before the next attempt, for Outgoing.OnWait.
type Wait struct {
	Reason   string
	Status   int // the answer's status; 0 after a network error
	Duration time.Duration
	Attempt  int // the attempt that just ended
}

// logReason is how the log names the reason for a wait: the status that
// asked for it (429, 503), 5xx, replayed, or a network error's code.
func logReason(why string, status int) string {
	switch why {
	case ReasonRateLimited, ReasonUnavailable:
		return strconv.Itoa(status)
	case ReasonServerError:
		return "5xx"
	}
	return why
}

// judge decides what to do with an answer. A non-empty why means the
// request may be sent again after wait; give is what to report if it is
// not (the deadline, the maximum wait or the attempts do not allow it).
//
//   - A rate limit (429): every method (the request was not processed),
//     after the reset of the spent budget (or Retry-After when later).
//   - 503: every method (not processed), after Retry-After, else backoff.
//   - Other 5xx: GET, HEAD, PUT and DELETE after backoff. A POST is
//     answered at once: it may have been applied.
//   - 401 after net/http replayed the request with the same signature:
//     idempotent methods, at once, signed anew.
func (e *Engine) judge(o *Outgoing, resp *http.Response, replayed bool) (time.Duration, string, schema.Diagnostics) {
	now := e.now()
	rl := &o.rules.RateLimits
	switch code := resp.StatusCode; {
	case rl.limited(code):
		reset, scope, ok := rl.ResetOf(resp.Header, now)
		var wait time.Duration
		if ok {
			wait = reset.Sub(now)
		}
		if wait <= 0 { // no reset given, or our clock is ahead of the API's
			wait = e.backoff(1)
		}
		var asked time.Duration // a wait the retry-after header asks for, when it is the longer
		if ra, ok := rl.retryAfter(resp.Header, now); ok && ra > wait {
			wait, asked = ra, ra
		}
		return wait, ReasonRateLimited, schema.Diagnostics{rateLimited(o, reset, scope, asked, now)}
	case rl.unavailable(code):
		wait, ok := rl.retryAfter(resp.Header, now)
		if !ok {
			wait = e.backoff(1)
		}
		return wait, ReasonUnavailable, schema.Diagnostics{schema.Errorf("", CodeServiceUnavailable,
			"try again later; the connector retries a 503 when its retry-after fits the request's timeout",
			"the API is unavailable (%d)%s", code, retryAfterNote(rl, resp.Header, now))}
	case code >= 500 && !idempotent(o.method):
		return 0, "", schema.Diagnostics{outcomeUnknown(o.method)}
	case code >= 500:
		return e.backoff(1), ReasonServerError, schema.Diagnostics{schema.Errorf("", CodeServerError,
			"try again later", "the API answered %d", code)}
	case code == http.StatusUnauthorized && replayed && idempotent(o.method):
		return 0, ReasonReplayed, nil
	}
	return 0, "", nil
}

// backoff is the wait before attempt n+1 after a 5xx or network error:
// between half and all of base·2^(n-1), capped.
func (e *Engine) backoff(n int) time.Duration {
	d := e.backoffBase
	for i := 1; i < n && d < e.backoffMax; i++ {
		d *= 2
	}
	d = min(d, e.backoffMax)
	if half := d / 2; half > 0 {
		return half + e.jitter(half)
	}
	return d
}

// rateLimited is the diagnostic of a rate limit the engine did not wait
// for: when the budget resets, or the wait its retry-after header asks
// for when that is longer.
func rateLimited(o *Outgoing, reset time.Time, scope string, asked time.Duration, now time.Time) schema.Diagnostic {
	detail := "retry at or after the reset time; the connector waits for it only within the request's timeout (" +
		o.timeout.String() + ") and maximum wait (" + o.maxWait.String() + ")"
	switch {
	case asked > 0:
		return schema.Errorf("", CodeRateLimited, detail, "rate limit reached; the API asks to come back in %s, at %s",
			asked.Round(time.Second), now.Add(asked).UTC().Format(time.RFC3339))
	case reset.IsZero():
		return schema.Errorf("", CodeRateLimited, detail, "rate limit reached; the API did not say when it resets")
	}
	return schema.Errorf("", CodeRateLimited, detail, "rate limit reached (%s budget); it resets at %s, in %s",
		scope, reset.UTC().Format(time.RFC3339), max(reset.Sub(now), 0).Round(time.Second))
}

func retryAfterNote(rl *RateLimits, h http.Header, now time.Time) string {
	if d, ok := rl.retryAfter(h, now); ok {
		return "; it asks to retry after " + d.String()
	}
	return ""
}

// outcomeUnknown says that a write may have been applied.
func outcomeUnknown(method string) schema.Diagnostic {
	return schema.Errorf("", CodeOutcomeUnknown,
		"check whether the write happened (for example by listing the entities) before sending it again; it was not retried, so that it cannot be applied twice",
		"the outcome of this %s is unknown: the API may have applied it", method)
}

// timeoutDiagnostics report that the request's timeout passed; for a
// write that may have arrived, also that its outcome is unknown.
func timeoutDiagnostics(o *Outgoing, reached bool) schema.Diagnostics {
	ds := schema.Diagnostics{schema.Errorf("", CodeTimeout, "raise the request's timeout, or try again later",
		"no answer within the request's timeout of %s", o.timeout)}
	if reached && !idempotent(o.method) {
		ds = append(ds, outcomeUnknown(o.method))
	}
	return ds
}
