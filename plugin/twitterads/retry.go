package twitterads

import (
	"net/http"
	"time"

	"github.com/openintegrator/integrator/schema"
)

// judge decides what to do with an answer. A non-empty why means the
// request may be sent again after wait; give is what to report if it is
// not (the deadline, the maximum wait or the attempts do not allow it).
//
//   - 429: every method (the request was not processed), after the reset
//     of the spent budget: x-account-rate-limit-reset, then
//     x-rate-limit-reset (or Retry-After when later).
//   - 503: every method (not processed), after Retry-After, else backoff.
//   - Other 5xx: GET, HEAD, PUT and DELETE after backoff. A POST is
//     answered at once: it may have been applied.
//   - 401 after net/http replayed the request with the same nonce:
//     idempotent methods, at once, signed anew.
func (c *Connector) judge(o *outgoing, resp *http.Response, replayed bool) (time.Duration, string, schema.Diagnostics) {
	now := c.now()
	switch code := resp.StatusCode; {
	case code == http.StatusTooManyRequests:
		reset, scope, ok := resetOf(resp.Header)
		var wait time.Duration
		if ok {
			wait = reset.Sub(now)
		}
		if wait <= 0 { // no reset given, or our clock is ahead of the API's
			wait = c.backoff(1)
		}
		if ra, ok := retryAfter(resp.Header, now); ok && ra > wait {
			wait = ra
		}
		return wait, "429", schema.Diagnostics{rateLimited(o, reset, scope, now)}
	case code == http.StatusServiceUnavailable:
		wait, ok := retryAfter(resp.Header, now)
		if !ok {
			wait = c.backoff(1)
		}
		return wait, "503", schema.Diagnostics{schema.Errorf("", CodeServiceUnavailable,
			"try again later; the connector retries a 503 when its retry-after fits the request's timeout",
			"the API is unavailable (503)%s", retryAfterNote(resp.Header, now))}
	case code >= 500 && !idempotent(o.method):
		return 0, "", schema.Diagnostics{outcomeUnknown(o.method)}
	case code >= 500:
		return c.backoff(1), "5xx", schema.Diagnostics{schema.Errorf("", CodeServerError,
			"try again later", "the API answered %d", code)}
	case code == http.StatusUnauthorized && replayed && idempotent(o.method):
		return 0, "replayed", nil
	}
	return 0, "", nil
}

// backoff is the wait before attempt n+1 after a 5xx or network error:
// between half and all of base·2^(n-1), capped.
func (c *Connector) backoff(n int) time.Duration {
	d := c.backoffBase
	for i := 1; i < n && d < c.backoffMax; i++ {
		d *= 2
	}
	d = min(d, c.backoffMax)
	if half := d / 2; half > 0 {
		return half + c.jitter(half)
	}
	return d
}

func rateLimited(o *outgoing, reset time.Time, scope string, now time.Time) schema.Diagnostic {
	detail := "retry at or after the reset time; the connector waits for it only within the request's timeout (" +
		o.timeout.String() + ") and maximum wait (" + o.maxWait.String() + ")"
	if reset.IsZero() {
		return schema.Errorf("", CodeRateLimited, detail, "rate limit reached; the API did not say when it resets")
	}
	return schema.Errorf("", CodeRateLimited, detail, "rate limit reached (%s budget); it resets at %s, in %s",
		scope, reset.UTC().Format(time.RFC3339), max(reset.Sub(now), 0).Round(time.Second))
}

func retryAfterNote(h http.Header, now time.Time) string {
	if d, ok := retryAfter(h, now); ok {
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
func timeoutDiagnostics(o *outgoing, reached bool) schema.Diagnostics {
	ds := schema.Diagnostics{schema.Errorf("", CodeTimeout, "raise the request's timeout, or try again later",
		"no answer within the request's timeout of %s", o.timeout)}
	if reached && !idempotent(o.method) {
		ds = append(ds, outcomeUnknown(o.method))
	}
	return ds
}
