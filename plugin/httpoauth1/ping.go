package httpoauth1

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/openintegrator/integrator/plugin/httpconn"
	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// PingTimeout bounds a connection test, its waits included (less when
// the timeout setting says so).
const PingTimeout = 30 * time.Second

// PingAttempts bounds the requests of a connection test.
const PingAttempts = 3

// Ping sends the test request the settings describe (ping_method,
// ping_path, ping_body). A rate limit or a 503 is waited out, at most
// PingAttempts requests within PingTimeout, each wait logged as a warning
// the host shows; nothing else is retried. The test passes on a 2xx
// answer whose ping_fail_path value is not among ping_fail_values and
// whose ping_success_path value, when set, is among ping_success_values.
// Invalid settings are reported without any network call.
func (c *Connector) Ping(ctx context.Context, cfg schema.Config) (shared.PingResult, error) {
	s, ds := parseSettings(cfg)
	if ds.HasError() {
		return shared.PingResult{Diagnostics: ds}, nil
	}
	limit := min(PingTimeout, s.timeout)
	req := s.request(shared.Request{Method: s.ping.method, URL: s.ping.path, Body: s.ping.body,
		Timeout: limit, MaxWait: limit, MaxAttempts: PingAttempts})
	o, d := httpconn.Prepare(s.conn, req)
	if d != nil {
		d.Field = KeyPingPath
		return shared.PingResult{Diagnostics: append(ds, *d)}, nil
	}
	p, err := c.engine.Probe(ctx, o)
	if err != nil {
		return shared.PingResult{}, err
	}
	res := s.judgePing(p)
	res.Latency = p.Latency
	res.Diagnostics = append(ds, res.Diagnostics...)
	res.Facts = append(p.Facts(), res.Facts...)
	c.log.Debug("ping", "status", p.Status, "ok", res.OK, "latency", res.Latency)
	return res, nil
}

// judgePing turns the answer to the test request into a result that
// tells the user what to fix.
func (s *settings) judgePing(p *httpconn.Probe) shared.PingResult {
	h, body := p.ResponseHead, p.Body
	res := shared.PingResult{}
	if rl := h.RateLimit; rl != nil && rl.Remaining >= 0 {
		res.Facts = append(res.Facts, shared.Fact{Key: "rate_limit_remaining", Value: fmt.Sprint(rl.Remaining)})
	}
	what := s.ping.method + " " + s.ping.path
	apiMsg, msg := "the API gave no message", status(h.Status)
	if errs := s.conn.Profile.Errors.Extract(body); len(errs) > 0 && errs[0].Message != "" {
		apiMsg, msg = errs[0].Message, errs[0].Message
	}
	fail := func(field, code, detail, format string, args ...any) shared.PingResult {
		res.Diagnostics = append(res.Diagnostics, schema.Errorf(field, code, detail, format, args...))
		return res
	}
	switch st := h.Status; {
	case st == 0:
		res.Diagnostics = p.NoAnswer(KeyBaseURI)
		return res
	case st == s.authFail:
		res.Diagnostics = append(res.Diagnostics, authFailed(msg))
		return res
	case slices.Contains(s.conn.Profile.RateLimits.Statuses, st):
		return fail("", CodeThrottled, "wait for the rate limit to reset, then test again",
			"the API is limiting requests (%d), so the test could not tell whether the credentials work", st)
	case st >= 200 && st < 300:
		if p := s.ping.failPath; p != "" {
			if v, ok := httpconn.ValueAt(body, p); ok && slices.Contains(s.ping.failValues, v) {
				return fail("", CodeTestFailed, "the API's message says why; check the account and the credentials",
					"%s answered %d, but %s is %q: %s", what, st, p, clip(v), apiMsg)
			}
		}
		if p := s.ping.successPath; p != "" {
			v, ok := httpconn.ValueAt(body, p)
			switch {
			case !ok:
				return fail(KeyPingSuccessPath, CodeTestFailed, "check ping_success_path against the API's answer",
					"%s answered %d without %s", what, st, p)
			case !slices.Contains(s.ping.successValues, v):
				return fail("", CodeTestFailed, "the API's message says why; check ping_success_values too",
					"%s answered %d, but %s is %q, not one of %v: %s", what, st, p, clip(v), s.ping.successValues, apiMsg)
			}
		}
		res.OK = true
		return res
	case st >= 300 && st < 400:
		return fail(KeyBaseURI, httpconn.CodeRedirect, "set the base URI to the address it redirects to, if that is the API",
			"%s redirects (%d) to another address", what, st)
	case st == http.StatusNotFound:
		return fail(KeyPingPath, CodeTestPathNotFound, "check ping_path and the base URI's path",
			"%s answered 404: %s", what, msg)
	}
	return fail("", CodeUnexpectedStatus, "check the settings; the API's message may say more", "%s answered %d: %s", what, h.Status, msg)
}

// clip shortens a value from the answer for a message.
func clip(v string) string {
	if len(v) > 80 {
		return v[:80] + "…"
	}
	return v
}
