package twitterads

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

// DoRequest sends one request to the API (signed) or to the report
// download host (unsigned), retrying as the package documentation
// describes, and returns the response head with the body still streaming.
// Problems with the settings, the request or the answer are diagnostics;
// an error is returned only when ctx ends.
func (c *Connector) DoRequest(ctx context.Context, cfg schema.Config, req shared.Request) (*shared.Response, error) {
	s, ds := parseSettings(cfg)
	if ds.HasError() {
		return noAnswer(shared.ResponseHead{Diagnostics: ds}), nil
	}
	o, d := s.prepare(req, c.userAgent())
	if d != nil {
		c.log.Debug("request refused before sending", "code", d.Code)
		return noAnswer(shared.ResponseHead{Diagnostics: append(ds, *d)}), nil
	}
	resp, err := c.send(ctx, o)
	if resp != nil && len(ds) > 0 {
		resp.Diagnostics = append(ds, resp.Diagnostics...)
	}
	return resp, err
}

// send runs the attempts of one request. The request's timeout bounds
// everything up to the response head; the body is then bounded by ctx and
// the idle timeout only.
func (c *Connector) send(ctx context.Context, o *outgoing) (*shared.Response, error) {
	callCtx, cancel := context.WithCancelCause(ctx)
	deadline := c.now().Add(o.timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d // waits that would outlast the caller are not started
	}
	timer := time.AfterFunc(o.timeout, func() { cancel(errTimeout) })
	end := func(head shared.ResponseHead) (*shared.Response, error) {
		timer.Stop()
		cancel(errClosed)
		return noAnswer(head), nil
	}
	var waited time.Duration
	for attempt := 1; ; attempt++ {
		head := shared.ResponseHead{Attempts: attempt, Waited: waited}
		resp, reached, replayed, err := c.attempt(callCtx, o, attempt)
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
			wait, why = c.backoff(attempt), d.Code
		default:
			wait, why, give = c.judge(o, resp, replayed)
		}
		if o.waitOnly && why != "429" && why != "503" {
			why = ""
		}
		if why != "" && attempt < o.maxAttempts && waited+wait <= o.maxWait && c.now().Add(wait).Before(deadline) {
			if resp != nil {
				discard(resp.Body)
			}
			c.log.Debug("waiting before the next attempt", "method", o.method, "path", o.target.url.Path,
				"attempt", attempt, "reason", why, "wait", wait)
			if o.onWait != nil {
				o.onWait(why, wait, attempt)
			}
			start := c.now()
			serr := c.sleep(callCtx, wait)
			waited += c.now().Sub(start)
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
			give = append(give, schema.Warningf("", CodeAttemptsExhausted, "raise the request's maximum attempts to try longer",
				"gave up after %d attempts", attempt))
		}
		if resp == nil {
			head.Diagnostics = give
			return end(head)
		}
		return c.answer(callCtx, cancel, timer, o, head, resp, give)
	}
}

// answer builds the response for an HTTP answer: the head with the API's
// errors, then the body, streamed.
func (c *Connector) answer(ctx context.Context, cancel context.CancelCauseFunc, timer *time.Timer, o *outgoing,
	head shared.ResponseHead, resp *http.Response, extra schema.Diagnostics) (*shared.Response, error) {
	apiDiags, r := peekErrors(resp)
	if !timer.Stop() { // the timeout passed as the answer arrived
		resp.Body.Close()
		cancel(errClosed)
		head.Diagnostics = timeoutDiagnostics(o, true)
		return noAnswer(head), nil
	}
	head.Status = resp.StatusCode
	head.Header = flatten(resp.Header)
	head.RateLimit = rateLimit(resp.Header)
	head.Diagnostics = append(apiDiags, extra...)
	if loc := resp.Header.Get("Location"); resp.StatusCode >= 300 && resp.StatusCode < 400 && loc != "" {
		head.Diagnostics = append(head.Diagnostics, schema.Warningf("", CodeRedirect,
			"redirects are never followed, so that credentials stay with the configured host; check the base URI or request the new address",
			"the server redirects to another address (status %d)", resp.StatusCode))
	}
	return &shared.Response{ResponseHead: head, Body: newBody(ctx, cancel, r, resp.Body, c.bodyIdle)}, nil
}

// signError is a failure of the signer, which never names a secret.
type signError struct{ err error }

func (e signError) Error() string { return e.err.Error() }

// attempt sends the request once, signed anew (fresh nonce and
// timestamp). reached reports whether a connection to the server was
// obtained, so that the request may have arrived; replayed, that the
// transport sent it more than once (net/http silently replays a GET whose
// kept-alive connection broke, with the same signature).
func (c *Connector) attempt(ctx context.Context, o *outgoing, n int) (resp *http.Response, reached, replayed bool, err error) {
	var conns atomic.Int32
	trace := &httptrace.ClientTrace{GotConn: func(httptrace.GotConnInfo) { conns.Add(1) }}
	var body io.Reader
	if len(o.body) > 0 {
		body = bytes.NewReader(o.body)
	}
	r, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), o.method, o.url, body)
	if err != nil { // prepare checked the URL, so this does not happen
		return nil, false, false, signError{err}
	}
	r.Header = o.header.Clone()
	if o.signer != nil {
		if err := o.signer.Sign(r); err != nil {
			return nil, false, false, signError{err}
		}
	}
	start := c.now()
	resp, err = c.client.Do(r)
	reached, replayed = conns.Load() > 0, conns.Load() > 1
	if err != nil {
		c.log.Debug("request failed", "method", o.method, "host", o.target.url.Host, "path", o.target.url.Path,
			"attempt", n, "reached", reached, "duration", c.now().Sub(start))
		return nil, reached, replayed, err
	}
	c.log.Debug("request", "method", o.method, "host", o.target.url.Host, "path", o.target.url.Path,
		"status", resp.StatusCode, "attempt", n, "duration", c.now().Sub(start))
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

// noAnswer is a response without an HTTP answer: a refused request, or
// one that failed; the diagnostics say why.
func noAnswer(head shared.ResponseHead) *shared.Response {
	return &shared.Response{ResponseHead: head, Body: emptyBody()}
}
