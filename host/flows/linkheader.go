package flows

import (
	"strings"

	"github.com/openintegrator/integrator/shared"
)

// nextLinkOf is the URL of the first link with relation type "next" in
// every Link header field of an answer, in order: an answer may carry
// several fields, and each field several links.
func nextLinkOf(h shared.ResponseHead) string {
	var values []string
	for _, f := range h.Header {
		if strings.EqualFold(f.Name, "Link") {
			values = append(values, f.Value)
		}
	}
	return nextLink(values...)
}

// nextLink finds the target of the first link whose relation types
// include "next" in Link header values (RFC 8288, section 3):
//
//	Link: <https://api.example/items?page=2&fields=id,name>; rel="next last"; title="a; b, c"
//
// A target is everything between < and >, commas included; a parameter's
// value is a token or a quoted string, which may hold commas, semicolons
// and backslash escapes; rel is a list of types separated by spaces,
// matched without regard to case, and only a link's first rel counts. A
// malformed link is skipped up to the next comma outside quotes.
func nextLink(values ...string) string {
	for _, v := range values {
		for _, l := range parseLinks(v) {
			for _, rel := range strings.Fields(l.rel) {
				if strings.EqualFold(rel, "next") {
					return l.target
				}
			}
		}
	}
	return ""
}

// link is one link-value of a Link header: its target and its rel.
type link struct{ target, rel string }

// parseLinks reads the link-values of one Link header field.
func parseLinks(s string) []link {
	var out []link
	p := linkParser{s: s}
	for {
		p.skip(" \t,")
		if p.done() {
			return out
		}
		if p.s[p.i] != '<' {
			p.skipValue()
			continue
		}
		end := strings.IndexByte(p.s[p.i:], '>')
		if end < 0 {
			return out
		}
		l := link{target: strings.TrimSpace(p.s[p.i+1 : p.i+end])}
		p.i += end + 1
		ok, hasRel := true, false
		for {
			p.skip(" \t")
			if p.done() || p.s[p.i] == ',' {
				break
			}
			if p.s[p.i] != ';' {
				ok = false
				p.skipValue()
				break
			}
			p.i++
			name, value := p.param()
			if strings.EqualFold(name, "rel") && !hasRel { // a later rel is ignored (RFC 8288, 3.3)
				l.rel, hasRel = value, true
			}
		}
		if ok && l.target != "" {
			out = append(out, l)
		}
	}
}

type linkParser struct {
	s string
	i int
}

func (p *linkParser) done() bool { return p.i >= len(p.s) }

// skip moves past any of the bytes in set.
func (p *linkParser) skip(set string) {
	for !p.done() && strings.IndexByte(set, p.s[p.i]) >= 0 {
		p.i++
	}
}

// token reads up to a byte of stop, a space or a tab.
func (p *linkParser) token(stop string) string {
	start := p.i
	for !p.done() && strings.IndexByte(stop+" \t", p.s[p.i]) < 0 {
		p.i++
	}
	return p.s[start:p.i]
}

// quoted reads a quoted string, at its opening quote, without its quotes
// and escapes. An unclosed one runs to the end.
func (p *linkParser) quoted() string {
	var b strings.Builder
	for p.i++; !p.done(); p.i++ {
		switch c := p.s[p.i]; {
		case c == '"':
			p.i++
			return b.String()
		case c == '\\' && p.i+1 < len(p.s):
			p.i++
			b.WriteByte(p.s[p.i])
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// param reads name, optionally followed by "=" and a token or a quoted
// string, spaces allowed around "=".
func (p *linkParser) param() (name, value string) {
	p.skip(" \t")
	name = p.token(";,=")
	p.skip(" \t")
	if p.done() || p.s[p.i] != '=' {
		return name, ""
	}
	p.i++
	p.skip(" \t")
	if !p.done() && p.s[p.i] == '"' {
		return name, p.quoted()
	}
	return name, p.token(";,")
}

// skipValue moves to the next comma outside a quoted string.
func (p *linkParser) skipValue() {
	for !p.done() && p.s[p.i] != ',' {
		if p.s[p.i] == '"' {
			p.quoted()
			continue
		}
		p.i++
	}
}
