package httpoauth1

import (
	"fmt"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/openintegrator/integrator/plugin/httpconn"
	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// checkConn is a connection the engine checks headers against.
var checkConn = httpconn.Conn{Profile: &httpconn.Profile{}, Base: &url.URL{Scheme: "https", Host: "example.com"}}

// parseHeaders reads the headers setting, a key/value list whose entries
// are headers, each value secret or not. Each header is checked as the
// engine checks a request's (a valid name; not Authorization, Host or
// another header the engine owns; no control character in the value).
// An entry the schema's own validation refuses (no name, a name with
// surrounding spaces or a control character) is left to it. Messages name
// an entry by its place and quote no value, which may be a credential;
// for an entry whose value is secret they quote no name either (but that
// of a header the engine owns): a name that is wrong may be a pasted
// value.
func parseHeaders(v schema.Value) ([]shared.Header, schema.Diagnostics) {
	entries, _ := v.Entries()
	var hs []shared.Header
	var ds schema.Diagnostics
	for i, e := range entries {
		if e.Name == "" || strings.TrimSpace(e.Name) != e.Name || !utf8.ValidString(e.Name) || strings.ContainsFunc(e.Name, unicode.IsControl) {
			continue
		}
		h := shared.Header{Name: e.Name, Value: e.Value}
		if _, d := httpconn.Prepare(checkConn, shared.Request{URL: "x", Header: []shared.Header{h}}); d != nil {
			d.Field, d.Summary = KeyHeaders, fmt.Sprintf("entry %d of headers: %s", i+1, d.Summary)
			if e.Secret && d.Code != httpconn.CodeHeaderNotAllowed {
				d.Summary = fmt.Sprintf("entry %d of headers, whose value is secret, is not a valid header (%s)", i+1, d.Code)
			}
			ds = append(ds, *d)
			continue
		}
		hs = append(hs, h)
	}
	return hs, ds
}
