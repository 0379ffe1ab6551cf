package twitterads

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/openintegrator/integrator/plugin/httpconn"
	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// PingTimeout bounds a connection test, its waits included.
const PingTimeout = 30 * time.Second

// PingAttempts bounds the requests of a connection test.
const PingAttempts = 3

// Ping tests the settings with a GET: /<version>/accounts/<account_id>
// when an account id is set (proving access to that account), else
// /<version>/accounts?count=1. Invalid settings are reported without any
// network call.
//
// An answer that asks to come back later, 429 or 503, is waited out and
// the request sent again (at most PingAttempts in all) when the wait
// (the rate limit's reset, Retry-After, else a short backoff) ends within
// PingTimeout and the caller's deadline; each wait is logged as a warning,
// which the host shows. Nothing else is retried: a wrong base URI or a
// 5xx fails at once. A 429 still standing after that means the credentials
// were accepted (the API limits a known user): the result is ok, with a
// warning. GET /accounts allows only 5 requests per 15 minutes, so its
// spent budget resets too late to be waited for.
func (c *Connector) Ping(ctx context.Context, cfg schema.Config) (shared.PingResult, error) {
	s, ds := parseSettings(cfg, c.profile)
	if ds.HasError() {
		return shared.PingResult{Diagnostics: ds}, nil
	}
	req := shared.Request{Method: http.MethodGet, URL: "accounts", Query: []shared.Param{{Key: "count", Value: "1"}},
		Timeout: PingTimeout, MaxWait: PingTimeout, MaxAttempts: PingAttempts}
	if s.account != "" {
		req.URL, req.Query = "accounts/"+url.PathEscape(s.account), nil
	}
	o, d := httpconn.Prepare(s.conn, req)
	if d != nil {
		return shared.PingResult{Diagnostics: append(ds, *d)}, nil
	}
	p, err := c.engine.Probe(ctx, o)
	if err != nil {
		return shared.PingResult{}, err
	}
	res := c.interpretPing(s, o, p)
	res.Latency = p.Latency
	res.Diagnostics = append(ds, res.Diagnostics...)
	res.Facts = append(p.Facts(), res.Facts...)
	c.log.Debug("ping", "status", p.Status, "ok", res.OK, "latency", res.Latency)
	return res, nil
}

// interpretPing turns the answer to the test request into a result that
// tells the user what to fix.
func (c *Connector) interpretPing(s settings, o *httpconn.Outgoing, p *httpconn.Probe) shared.PingResult {
	h, raw := p.ResponseHead, p.Body
	code, msg := "", ""
	if errs := c.profile.Errors.Extract(raw); len(errs) > 0 {
		code, msg = errs[0].Code, errs[0].Message
	}
	what := fmt.Sprintf("GET %s", o.URL().Path)
	res := shared.PingResult{Facts: pingFacts(h, raw, s)}
	fail := func(field, c, detail, format string, args ...any) shared.PingResult {
		res.Diagnostics = append(res.Diagnostics, schema.Errorf(field, c, detail, format, args...))
		return res
	}
	switch st := h.Status; {
	case st == 0:
		res.Diagnostics = append(res.Diagnostics, p.NoAnswer(KeyBaseURI)...)
		return res
	case st == http.StatusOK:
		if h.HeaderValue("x-current-api-version") == "" && !shared.IsJSON(h.HeaderValue("Content-Type")) {
			return fail(KeyBaseURI, CodeNotAdsAPI, "set the base URI to "+DefaultBaseURI+" (or the sandbox, https://ads-api-sandbox.x.com)",
				"the base URI answered %s, but not like the Ads API", what)
		}
		res.OK = true
		res.Diagnostics = append(res.Diagnostics, versionWarnings(s, h)...)
		return res
	case st == http.StatusTooManyRequests:
		res.OK = true
		reset := ""
		if t, _, ok := c.profile.RateLimits.ResetOf(headerOf(h), time.Now()); ok {
			reset = "; the limit resets at " + t.UTC().Format(time.RFC3339)
		}
		res.Diagnostics = append(res.Diagnostics, schema.Warningf("", CodeThrottled,
			"GET /accounts allows only 5 requests per 15 minutes; wait for the reset before testing again",
			"the credentials were accepted, but the API is throttling requests (429)%s", reset))
		return res
	case st == http.StatusUnauthorized:
		return fail("", CodeAuthenticationFailed,
			"check the consumer key and consumer secret, the access token and token secret (copy them again from the developer portal), and that this computer's clock is right",
			"authentication failed: the API did not accept the credentials (%s)", orStatus(msg, st))
	case st == http.StatusForbidden && code == "UNAUTHORIZED_CLIENT_APPLICATION":
		return fail(KeyConsumerKey, CodeNoAdsAPIAccess,
			"apply for Ads API access for this app in the X developer portal, or use the keys of an app that has it; regenerate the access token after approval",
			"the app has no Ads API access")
	case (st == http.StatusForbidden || st == http.StatusNotFound) && s.account != "":
		return fail(KeyAccountID, CodeAccountNotFound,
			"check the Ads account ID (ads.x.com shows it in the account switcher); the user of the access token needs a role on that account",
			"ads account %s was not found, or this user has no access to it (%s)", s.account, orStatus(code, st))
	case st == http.StatusNotFound:
		return fail(KeyBaseURI, CodeNotAdsAPI, "set the base URI to "+DefaultBaseURI+" (or the sandbox, https://ads-api-sandbox.x.com)",
			"the base URI does not serve the Ads API: %s answered 404", what)
	case st == http.StatusBadRequest && code == "INVALID":
		return fail(KeyAPIVersion, CodeVersionUnavailable, "set the API version to "+DefaultAPIVersion+", the current one",
			"API version %s is not available: %s", s.version, msg)
	case st >= 300 && st < 400:
		return fail(KeyBaseURI, httpconn.CodeRedirect, "set the base URI to the address it redirects to, if that is the Ads API",
			"the base URI redirects (%d) to another address", st)
	case st >= 500:
		return fail("", CodeUnexpectedStatus, "the API has a problem; try again later",
			"the API answered %d (%s)", st, orStatus(code, st))
	}
	return fail("", CodeUnexpectedStatus, "check the settings; the API's message may say more",
		"%s answered %d: %s", what, h.Status, orStatus(msg, h.Status))
}

// pingFacts lists the API version seen, the rate limit left and, for an
// account, its name.
func pingFacts(h shared.ResponseHead, raw []byte, s settings) []shared.Fact {
	var facts []shared.Fact
	if v := h.HeaderValue("x-current-api-version"); v != "" {
		facts = append(facts, shared.Fact{Key: "api_version", Value: v})
	}
	if rl := h.RateLimit; rl != nil {
		v := fmt.Sprintf("%d of %d (%s)", rl.Remaining, rl.Limit, rl.Scope)
		if !rl.Reset.IsZero() {
			v += ", resets " + rl.Reset.UTC().Format(time.RFC3339)
		}
		facts = append(facts, shared.Fact{Key: "rate_limit_remaining", Value: v})
	}
	if s.account != "" && h.Status == http.StatusOK {
		var b struct{ Data struct{ Name, ID string } }
		if acct := &b.Data; json.Unmarshal(raw, &b) == nil && acct.Name != "" {
			facts = append(facts, shared.Fact{Key: "account", Value: acct.Name + " (" + acct.ID + ")"})
		}
	}
	return facts
}

// versionWarnings notes a deprecation warning and a newer API version.
func versionWarnings(s settings, h shared.ResponseHead) schema.Diagnostics {
	var ds schema.Diagnostics
	if w := h.HeaderValue("x-api-warn"); w != "" {
		ds = append(ds, schema.Warningf(KeyAPIVersion, CodeAPIWarning, "read the Ads API's version notes", "the API warns: %s", w))
	}
	cur, err1 := strconv.Atoi(h.HeaderValue("x-current-api-version"))
	mine, err2 := strconv.Atoi(s.version)
	if err1 == nil && err2 == nil && cur > mine {
		ds = append(ds, schema.Warningf(KeyAPIVersion, CodeNewerAPIVersion, "consider moving the connection to the current version",
			"the API's current version is %d; this connection uses %d", cur, mine))
	}
	return ds
}

func orStatus(s string, status int) string {
	if s != "" {
		return s
	}
	return strconv.Itoa(status) + " " + http.StatusText(status)
}

// headerOf rebuilds an http.Header from a response head.
func headerOf(h shared.ResponseHead) http.Header {
	out := make(http.Header, len(h.Header))
	for _, f := range h.Header {
		out.Add(f.Name, f.Value)
	}
	return out
}
