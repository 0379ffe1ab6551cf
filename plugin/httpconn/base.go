package httpconn

import (
	"net"
	"net/url"
	"strings"

	"github.com/openintegrator/integrator/schema"
)

// CheckBase checks a base URI setting (field key) locally, as a
// connector's Validate does: https, or plain http to a loopback address
// only; no query, fragment, user information or dot segment. A value that
// does not parse is left to the schema's own url check.
func CheckBase(key, raw string) schema.Diagnostics {
	u, err := url.Parse(raw)
	if err != nil {
		return nil
	}
	var ds schema.Diagnostics
	if u.Scheme == "http" && !IsLoopback(u.Hostname()) {
		ds = append(ds, schema.Errorf(key, CodeInsecureBaseURI,
			"use https://; plain http is allowed only for loopback addresses such as 127.0.0.1, for local testing",
			"Base URI %q is not https", shownURI(u)))
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(raw, "#") {
		ds = append(ds, schema.Errorf(key, CodeBaseURIExtra, "remove everything from ? or # on",
			"Base URI %q has a query or a fragment", shownURI(u)))
	}
	if u.User != nil {
		ds = append(ds, schema.Errorf(key, CodeBaseURIExtra, "remove the user@ part; credentials go in their own fields",
			"Base URI has user information"))
	}
	if HasDotSegment(u) {
		ds = append(ds, schema.Errorf(key, CodeBaseURIDotSegment,
			"write the path without . and .. segments (also none written as %2e): servers resolve them differently, so requests could reach another path than the one shown",
			"Base URI %q has a . or .. path segment", shownURI(u)))
	}
	return ds
}

// shownURI is a base URI for a message: without its user information,
// which may hold a password, and without its query and fragment.
func shownURI(u *url.URL) string {
	v := *u
	v.User, v.RawQuery, v.ForceQuery, v.Fragment, v.RawFragment = nil, "", false, "", ""
	return v.String()
}

// IsLoopback reports whether host names this machine: localhost or a
// loopback address.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
