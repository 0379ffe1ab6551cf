package twitteradssim

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/openintegrator/integrator/shared"
)

// serveAPI is the API listener's handler: count, wait the latency, maybe
// inject a fault, then authenticate, route, rate-limit and dispatch.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	version, segs := splitVersion(r.URL.Path)
	rt, vars := s.match(r.Method, segs)
	name := r.Method + " (unmatched)"
	if rt != nil {
		name = rt.name()
	}
	s.counts.request(name)
	if s.cfg.latency > 0 && shared.Sleep(r.Context(), s.cfg.latency) != nil {
		return // the client gave up during the latency: nothing was done
	}

	s.withFaults(w, r, false, rt, vars, func(w http.ResponseWriter) { s.handle(w, r, version, rt, vars) })
}

// withFaults serves r through serve unless a fault fires for it.
func (s *Server) withFaults(w http.ResponseWriter, r *http.Request, download bool, rt *route,
	vars map[string]string, serve func(http.ResponseWriter)) {
	f, ok := s.faults.pick(download, r)
	if !ok {
		serve(w)
		return
	}
	s.counts.fault(f.Kind)
	switch f.Kind {
	case FaultSlow:
		if shared.Sleep(r.Context(), f.Delay) == nil { // the client may give up first
			serve(w)
		}
	case FaultResetBefore:
		resetConn(w)
	case FaultResetAfter:
		serve(newDiscardWriter())
		resetConn(w)
	case FaultCursorCycle, FaultInvalidUTF8:
		serveRewritten(w, serve, func(body []byte) []byte { return f.rewrite(body) })
	default:
		s.writeFault(w, f, rt, vars)
	}
}

func (s *Server) handle(w http.ResponseWriter, r *http.Request, version string, rt *route, vars map[string]string) {
	w.Header().Set(headerCurrentVersion, currentVersion)
	who, herr := s.auth.check(r)
	if herr != nil {
		writeError(w, herr, nil)
		return
	}
	if version != "11" && version != "12" {
		if _, err := strconv.Atoi(version); err == nil {
			writeError(w, newError(http.StatusBadRequest, CodeInvalid, "Version %s is not available.", version), nil)
			return
		}
		rt = nil
	}
	if rt == nil {
		writeError(w, newError(http.StatusNotFound, CodeRouteNotFound,
			"The requested resource could not be found: %s %s", r.Method, r.URL.Path), nil)
		return
	}
	c := &call{s: s, w: w, r: r, vars: vars, who: who, account: -1}
	if herr := c.parseParams(); herr != nil {
		writeError(w, herr, c.echo())
		return
	}
	if who.readOnly && r.Method != http.MethodGet {
		writeError(w, newError(http.StatusForbidden, CodeReadonlyClientApp,
			"This client application is not permitted to make write requests."), c.echo())
		return
	}
	id, underAccount := vars["account_id"]
	if underAccount {
		c.account = s.resolveAccount(id)
	}
	limitAcct := -1
	if r.Method == http.MethodGet {
		limitAcct = c.account
	}
	if herr, overspent := s.limiter.take(w.Header(), rt.class, who.creds.AccessToken, limitAcct); herr != nil {
		s.counts.rateLimited(overspent)
		writeError(w, herr, c.echo())
		return
	}
	if underAccount && c.account < 0 {
		writeError(w, newError(http.StatusForbidden, CodeAccountNotFound,
			"Account %s was not found or the user has no access to it", id), c.echo())
		return
	}
	if err := rt.h(c); err != nil {
		var he *httpError
		if !errors.As(err, &he) {
			he = newError(http.StatusInternalServerError, CodeInternalError, "Internal error")
		}
		writeError(w, he, c.echo())
	}
}

// resolveAccount returns the index of a seeded account id, or -1.
func (s *Server) resolveAccount(id string) int {
	r, ok := s.store.codec.decode(id)
	if !ok || r.kind != kindAccount || r.pos != 0 || r.account >= s.cfg.sizes.accounts {
		return -1
	}
	return r.account
}

// call is one request on its way through a handler.
type call struct {
	s       *Server
	w       http.ResponseWriter
	r       *http.Request
	vars    map[string]string
	params  url.Values
	who     *principal
	account int // index of the :account_id account, -1 when none
}

// parseParams collects the query and, for form bodies, the body
// parameters, without the oauth_ ones.
func (c *call) parseParams() *httpError {
	q, err := url.ParseQuery(c.r.URL.RawQuery)
	if err != nil {
		return newError(http.StatusBadRequest, CodeInvalidParameter, "The query string is malformed")
	}
	ct, _, _ := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	if ct == "application/x-www-form-urlencoded" && c.r.Body != nil {
		b, err := io.ReadAll(io.LimitReader(c.r.Body, maxBodyBytes+1))
		if err != nil {
			return newError(http.StatusBadRequest, CodeInvalidParameter, "The request body could not be read")
		}
		if int64(len(b)) > maxBodyBytes {
			return newError(http.StatusRequestEntityTooLarge, CodeRequestEntityTooLarge, "The request body is too large")
		}
		form, err := url.ParseQuery(string(b))
		if err != nil {
			return newError(http.StatusBadRequest, CodeInvalidParameter, "The form body is malformed")
		}
		for k, vs := range form {
			q[k] = append(q[k], vs...)
		}
	}
	for k := range q {
		if strings.HasPrefix(k, "oauth_") {
			delete(q, k)
		}
	}
	c.params = q
	return nil
}

// echo is the "request.params" object: path and request parameters.
func (c *call) echo() map[string]any {
	m := map[string]any{}
	for k, vs := range c.params {
		if len(vs) > 0 {
			m[k] = vs[0]
		}
	}
	for k, v := range c.vars {
		m[k] = v
	}
	return m
}

func (c *call) accountID() string { return c.s.store.id(kindAccount, c.account, 0) }

// ok answers 200 with one object (or array) as data.
func (c *call) ok(data any) error {
	writeJSON(c.w, http.StatusOK, oneBody{Data: data, Request: requestEcho{Params: c.echo()}})
	return nil
}

// boolParam parses an optional true/false parameter.
func (c *call) boolParam(name string) (bool, *httpError) {
	switch v := c.params.Get(name); v {
	case "":
		return false, nil
	case "true":
		return true, nil
	case "false":
		return false, nil
	default:
		return false, invalid(name, "%s must be true or false", name)
	}
}
