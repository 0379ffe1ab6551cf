package httpconn

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"sort"
	"sync/atomic"
	"time"

	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// errTimeout is the cause with which a call's context ends when the
// request's timeout passes before the response head.
var errTimeout = errors.New("the request's timeout passed")

// Send runs the attempts of a prepared request, signing each anew, and
// returns the response head with the body still streaming (see the
// package documentation for what is retried). The request's timeout
// bounds everything up to the response head; the body is then bounded by
// ctx and the idle timeout only. Problems are diagnostics; an error is
// returned only when ctx ends. The caller must close the body.
func (e *Engine) Send(ctx context.Context, o *Outgoing) (*shared.Response, error) {
	callCtx, cancel := context.WithCancelCause(ctx)
	deadline := e.now().Add(o.timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d // waits that would outlast the caller are not started
	}
	timer := time.AfterFunc(o.timeout, func() { cancel(errTimeout) })
	end := func(head shared.ResponseHead) (*shared.Response, error) {
		timer.Stop()
		cancel(errClosed)
		return NoAnswer(head), nil
	}
	var waited time.Duration
	for attempt := 1; ; attempt++ {
		head := shared.ResponseHead{Attempts: attempt, Waited: waited}
		resp, reached, replayed, err := e.attempt(callCtx, o, attempt)
		var wait time.Duration
		var why string
		var give schema.Diagnostics // what to report if the request is not tried again
		switch {
		case err != nil && ctx.Err() != nil:
			end(head)
			return nil, fmt.Errorf("request to %s: %w", o.target.url.Host, ctx.Err())
		case err != nil && errors.Is(context.Cause(callCtx), errTimeout):
			head.Diagnostics = timeoutDiagnostics(o, reached)
			return end(head)
		case errors.As(err, new(signError)):
			head.Diagnostics = schema.Diagnostics{schema.Errorf("", CodeSigningFailed,
				"check the credentials for characters that are not valid UTF-8", "the request could not be signed: %s", err)}
			return end(head)
		case err != nil:
			d := netDiagnostic(err, o.target.url.Host)
			give = schema.Diagnostics{d}
			if reached && !idempotent(o.method) {
				give = append(give, outcomeUnknown(o.method))
				break // it may have been applied: never sent twice
			}
			wait, why = e.backoff(attempt), d.Code
		default:
			wait, why, give = e.judge(o, resp, replayed)
		}
		if o.WaitOnly && why != ReasonRateLimited && why != ReasonUnavailable {
			why = ""
		}
		if why != "" && attempt < o.maxAttempts && waited+wait <= o.maxWait && e.now().Add(wait).Before(deadline) {
			status := 0
			if resp != nil {
				status = resp.StatusCode
				discard(resp.Body)
			}
			e.log.Debug("waiting before the next attempt", "method", o.method, "path", o.target.url.Path,
				"attempt", attempt, "reason", logReason(why, status), "wait", wait)
			if o.OnWait != nil {
				o.OnWait(Wait{Reason: why, Status: status, Duration: wait, Attempt: attempt})
			}
			start := e.now()
			serr := e.sleep(callCtx, wait)
			waited += e.now().Sub(start)
			switch {
			case serr != nil && ctx.Err() != nil:
				end(head)
				return nil, fmt.Errorf("request to %s: %w", o.target.url.Host, ctx.Err())
			case serr != nil:
				head.Waited = waited
				head.Diagnostics = timeoutDiagnostics(o, false)
				return end(head)
			}
			continue
		}
		if why != "" && attempt >= o.maxAttempts {
			give = append(give, schema.Warningf("", CodeAttemptsExhausted, "try again later",
				"gave up after %d attempts", attempt))
		}
		if resp == nil {
			head.Diagnostics = give
			return end(head)
		}
		out, err := e.answer(callCtx, cancel, timer, o, head, resp, give)
		if err == nil && why == ReasonRateLimited && out.Status != 0 {
			out.RateLimit = o.rules.RateLimits.comeBack(out.RateLimit, resp.Header, e.now())
		}
		return out, err
	}
}

// answer builds the response for an HTTP answer: the head with the API's
// errors, then the body, streamed.
func (e *Engine) answer(ctx context.Context, cancel context.CancelCauseFunc, timer *time.Timer, o *Outgoing,
	head shared.ResponseHead, resp *http.Response, extra schema.Diagnostics) (*shared.Response, error) {
	apiDiags, r := o.rules.Errors.peekErrors(resp)
	if !timer.Stop() { // the timeout passed as the answer arrived
		resp.Body.Close()
		cancel(errClosed)
		head.Diagnostics = timeoutDiagnostics(o, true)
		return NoAnswer(head), nil
	}
	head.Status = resp.StatusCode
	head.Header = flatten(resp.Header)
	head.Budgets = o.rules.RateLimits.All(resp.Header, e.now())
	if len(head.Budgets) > 0 {
		first := head.Budgets[0]
		head.RateLimit = &first
	}
	head.Diagnostics = append(apiDiags, extra...)
	if loc := resp.Header.Get("Location"); resp.StatusCode >= 300 && resp.StatusCode < 400 && loc != "" {
		head.Diagnostics = append(head.Diagnostics, schema.Warningf("", CodeRedirect,
			"redirects are never followed, so that credentials stay with the configured host; check the base URI or request the new address",
			"the server redirects to another address (status %d)", resp.StatusCode))
	}
	return &shared.Response{ResponseHead: head, Body: newBody(ctx, cancel, r, resp.Body, e.bodyIdle)}, nil
}

// signError is a failure of the signer, which never names a secret.
type signError struct{ err error }

func (e signError) Error() string { return e.err.Error() }

// attempt sends the request once, signed anew (fresh nonce and
// timestamp). reached reports whether a connection to the server was
// obtained, so that the request may have arrived; replayed, that the
// transport sent it more than once (net/http silently replays a GET whose
// kept-alive connection broke, with the same signature).
func (e *Engine) attempt(ctx context.Context, o *Outgoing, n int) (resp *http.Response, reached, replayed bool, err error) {
	var conns atomic.Int32
	trace := &httptrace.ClientTrace{GotConn: func(httptrace.GotConnInfo) { conns.Add(1) }}
	var body io.Reader
	if len(o.body) > 0 {
		body = bytes.NewReader(o.body)
	}
	r, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), o.method, o.url, body)
	if err != nil { // Prepare checked the URL, so this does not happen
		return nil, false, false, signError{err}
	}
	r.Header = o.header.Clone()
	if o.signer != nil {
		if err := o.signer.Sign(r); err != nil {
			return nil, false, false, signError{err}
		}
	}
	start := e.now()
	resp, err = e.client.Do(r)
	reached, replayed = conns.Load() > 0, conns.Load() > 1
	if err != nil {
		e.log.Debug("request failed", "method", o.method, "host", o.target.url.Host, "path", o.target.url.Path,
			"attempt", n, "reached", reached, "duration", e.now().Sub(start))
		return nil, reached, replayed, err
	}
	e.log.Debug("request", "method", o.method, "host", o.target.url.Host, "path", o.target.url.Path,
		"status", resp.StatusCode, "attempt", n, "duration", e.now().Sub(start))
	return resp, reached, replayed, nil
}

// discard drains a little of a body that is not used, so that its
// connection can be reused, and closes it.
func discard(rc io.ReadCloser) {
	io.CopyN(io.Discard, rc, 64<<10)
	rc.Close()
}

// flatten lists the header fields sorted by name, values in order.
func flatten(h http.Header) []shared.Header {
	keys := make([]string, 0, len(h))
	n := 0
	for k, vs := range h {
		keys = append(keys, k)
		n += len(vs)
	}
	sort.Strings(keys)
	out := make([]shared.Header, 0, n)
	for _, k := range keys {
		for _, v := range h[k] {
			out = append(out, shared.Header{Name: k, Value: v})
		}
	}
	return out
}
