package twitteradssim

import (
	"net/http"
	"strings"
)

// handler serves one route. It writes success itself and returns an
// *httpError (or any error, answered as 500) for failures.
type handler func(c *call) error

// route is one endpoint below the version segment.
type route struct {
	method  string
	pattern string // "/accounts/:account_id/campaigns"
	segs    []string
	class   limitClass
	h       handler
}

// name is the route's key in Counts.Requests: "GET /accounts/:account_id".
func (rt *route) name() string { return rt.method + " " + rt.pattern }

func (s *Server) buildRoutes() []*route {
	var rs []*route
	add := func(method, pattern string, class limitClass, h handler) {
		rs = append(rs, &route{method: method, pattern: pattern,
			segs: strings.Split(strings.Trim(pattern, "/"), "/"), class: class, h: h})
	}
	add(http.MethodGet, "/accounts", classNoAccount, s.listAccounts)
	add(http.MethodGet, "/accounts/:account_id", classRead, s.getAccount)
	add(http.MethodGet, "/accounts/:account_id/authenticated_user_access", classRead, s.userAccess)
	for _, sp := range entitySpecs {
		base := "/accounts/:account_id/" + sp.plural
		one := base + "/:" + sp.idParam
		add(http.MethodGet, base, classRead, s.listEntities(sp))
		add(http.MethodGet, one, classRead, s.getEntity(sp))
		if sp.create {
			add(http.MethodPost, base, classWrite, s.createEntity(sp))
		}
		if sp.update {
			add(http.MethodPut, one, classWrite, s.updateEntity(sp))
		}
		if sp.del {
			add(http.MethodDelete, one, classWrite, s.deleteEntity(sp))
		}
	}
	add(http.MethodPost, "/batch/accounts/:account_id/campaigns", classWrite, s.batch(campaignSpec))
	add(http.MethodPost, "/batch/accounts/:account_id/line_items", classWrite, s.batch(lineItemSpec))
	add(http.MethodGet, "/stats/accounts/:account_id", classSyncStats, s.syncStats)
	add(http.MethodPost, "/stats/jobs/accounts/:account_id", classWrite, s.createJob)
	add(http.MethodGet, "/stats/jobs/accounts/:account_id", classRead, s.listJobs)
	add(http.MethodGet, "/sim/blob", classBlob, s.blob)
	add(http.MethodGet, "/sim/counts", classBlob, s.countsNow)
	return rs
}

// splitVersion splits "/12/accounts" into "12" and ["accounts"].
func splitVersion(path string) (version string, segs []string) {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	if len(parts) == 0 {
		return "", nil
	}
	return parts[0], parts[1:]
}

// match finds the route for a method and the path segments after the
// version, with the values of its ":name" segments.
func (s *Server) match(method string, segs []string) (*route, map[string]string) {
	for _, rt := range s.routes {
		if rt.method != method || len(rt.segs) != len(segs) {
			continue
		}
		var vars map[string]string
		ok := true
		for i, p := range rt.segs {
			if strings.HasPrefix(p, ":") {
				if segs[i] == "" {
					ok = false
					break
				}
				if vars == nil {
					vars = map[string]string{}
				}
				vars[p[1:]] = segs[i]
			} else if p != segs[i] {
				ok = false
				break
			}
		}
		if ok {
			return rt, vars
		}
	}
	return nil, nil
}
