package httpconn

import (
	"net/url"
	"strings"

	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// target is where a request goes and whether it is signed.
type target struct {
	url    *url.URL
	signed bool // the base URI's origin or a Signed host
	host   *Host
}

// resolve turns a request's URL (a path or an absolute URL) and its query
// parameters into a target, or refuses it with a diagnostic. Nothing is
// sent for a refused target: credentials never go to a host the user did
// not configure.
//
// A path resolves against the base URI, through Conn.Prefix when set. An
// absolute URL must be the base URI's origin (signed) or one of the
// profile's hosts.
func (c Conn) resolve(raw string, query []shared.Param) (target, *schema.Diagnostic) {
	ex := c.Profile.examplePath()
	if raw == "" {
		return target{}, refuse(CodeInvalidURL, "give a path such as "+ex, "the request has no URL or path")
	}
	if hasControl(raw) {
		return target{}, refuse(CodeControlCharacter, "remove line breaks and other control characters from the path",
			"the URL or path contains a control character")
	}
	if strings.Contains(raw, "#") {
		return target{}, refuse(CodeInvalidURL, "remove everything from # on; a fragment is never sent",
			"the URL or path has a fragment")
	}
	if strings.Contains(raw, " ") {
		return target{}, refuse(CodeInvalidURL, "percent-encode spaces (%20) or pass parameters in the query list",
			"the URL or path contains a space")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return target{}, refuse(CodeInvalidURL, "give a path such as "+ex+" or an absolute https URL",
			"the URL or path cannot be parsed")
	}
	if u.User != nil {
		return target{}, refuse(CodeInvalidURL, "remove the user@ part; the connector signs requests itself",
			"the URL has user information")
	}
	if HasDotSegment(u) {
		return target{}, refuse(CodeDotSegment, "write the path without . and .. segments",
			"the path has a . or .. segment")
	}
	if u.Scheme == "" && u.Host != "" {
		return target{}, refuse(CodeInvalidURL, "give a path such as "+ex+", or an absolute URL with https://",
			"the URL starts with // but has no scheme")
	}
	t := target{signed: true}
	if u.Scheme == "" {
		t.url = c.join(u)
	} else {
		var d *schema.Diagnostic
		if t, d = c.absolute(u); d != nil {
			return target{}, d
		}
	}
	t.url.RawQuery = appendQuery(u.RawQuery, query)
	return t, nil
}

// join resolves a relative reference against the base URI, through the
// prefix hook.
func (c Conn) join(u *url.URL) *url.URL {
	p := strings.TrimLeft(u.EscapedPath(), "/")
	if c.Prefix != nil {
		p = c.Prefix(p)
	}
	escaped := c.Base.EscapedPath() + "/" + p
	out := *c.Base
	out.Path, _ = url.PathUnescape(escaped) // u parsed, so the escapes are valid
	out.RawPath = escaped
	return &out
}

// absolute checks an absolute URL against the host rules.
func (c Conn) absolute(u *url.URL) (target, *schema.Diagnostic) {
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" || u.Opaque != "" {
		return target{}, refuse(CodeSchemeNotAllowed, "use an https URL, or a path such as "+c.Profile.examplePath(),
			"scheme %q is not allowed; only https (and http to loopback) is", u.Scheme)
	}
	if u.Host == "" {
		return target{}, refuse(CodeInvalidURL, "give the host, as in "+c.Base.Scheme+"://"+c.Base.Host+c.Profile.examplePath(),
			"the URL has no host")
	}
	if scheme == "http" && !IsLoopback(u.Hostname()) {
		return target{}, refuse(CodeInsecureURL, "use https://; plain http is allowed only to loopback addresses",
			"plain http to %s is not allowed", u.Hostname())
	}
	out := *u
	out.Scheme = scheme
	out.Host = strings.ToLower(u.Host)
	out.Fragment, out.RawFragment, out.RawQuery, out.ForceQuery = "", "", "", false
	if SameOrigin(&out, c.Base) {
		return target{url: &out, signed: true}, nil
	}
	hosts := ""
	for i := range c.Profile.Hosts {
		h := &c.Profile.Hosts[i]
		if h.Allows != nil && h.Allows(&out, c.Base) {
			return target{url: &out, signed: h.Signed, host: h}, nil
		}
		hosts += " or the " + h.Name + " (" + h.Shown + ")"
	}
	return target{}, refuse(CodeHostNotAllowed,
		"absolute URLs may only name the connection's API host ("+c.Base.Host+")"+hosts+
			"; send other requests with another tool: the connector never sends its credentials elsewhere",
		"host %s is not this connection's API host", out.Hostname())
}

// SameOrigin reports whether a and b have the same scheme, host and port.
func SameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(a.Hostname(), b.Hostname()) &&
		portOf(a) == portOf(b)
}

func portOf(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if strings.EqualFold(u.Scheme, "http") {
		return "80"
	}
	return "443"
}

// appendQuery appends encoded parameters, in order and with repeated keys
// kept, to a raw query.
func appendQuery(raw string, params []shared.Param) string {
	if len(params) == 0 {
		return raw
	}
	var b strings.Builder
	b.WriteString(raw)
	for _, p := range params {
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(p.Key))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(p.Value))
	}
	return b.String()
}

// HasDotSegment reports whether the path has a "." or ".." segment, as
// written or percent-encoded.
func HasDotSegment(u *url.URL) bool {
	for _, p := range []string{u.EscapedPath(), u.Path, u.Opaque} {
		for _, seg := range strings.Split(p, "/") {
			if seg == "." || seg == ".." {
				return true
			}
			if dec, err := url.PathUnescape(seg); err == nil && (dec == "." || dec == "..") {
				return true
			}
		}
	}
	return false
}

func hasControl(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			return true
		}
	}
	return false
}

// refuse returns an error diagnostic about the request.
func refuse(code, detail, format string, args ...any) *schema.Diagnostic {
	d := schema.Errorf("", code, detail, format, args...)
	return &d
}
