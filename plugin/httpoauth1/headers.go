package httpoauth1

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/openintegrator/integrator/plugin/httpconn"
	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// checkConn is a connection the engine checks headers against.
var checkConn = httpconn.Conn{Profile: &httpconn.Profile{}, Base: &url.URL{Scheme: "https", Host: "example.com"}}

// parseHeaders reads a headers setting: one "Name: value" per line, blank
// lines skipped. Each header is checked as the engine checks a request's
// (a valid name; not Authorization, Host or another header the engine
// owns; no control character in the value). Messages name the line and
// the header, never a value, which may be a credential (the engine's
// messages never quote one).
func parseHeaders(key, text string) ([]shared.Header, schema.Diagnostics) {
	var hs []shared.Header
	var ds schema.Diagnostics
	for i, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			ds = append(ds, schema.Errorf(key, CodeHeaderLine, "write each header as `Name: value` on a line of its own",
				"line %d of %s has no colon", i+1, key))
			continue
		}
		h := shared.Header{Name: strings.TrimSpace(name), Value: strings.TrimSpace(value)}
		if _, d := httpconn.Prepare(checkConn, shared.Request{URL: "x", Header: []shared.Header{h}}); d != nil {
			d.Field, d.Summary = key, fmt.Sprintf("line %d: %s", i+1, d.Summary)
			if key == KeySecretHeaders && d.Code != httpconn.CodeHeaderNotAllowed { // a name may be a pasted value
				d.Summary = fmt.Sprintf("line %d: the header is not valid (%s)", i+1, d.Code)
			}
			ds = append(ds, *d)
			continue
		}
		hs = append(hs, h)
	}
	return hs, ds
}
