package oauth1

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"
)

// authParam is one parameter of an OAuth Authorization header, decoded.
type authParam struct{ name, value string }

// requestAuthorization finds r's OAuth Authorization header and parses it.
func requestAuthorization(r *http.Request) ([]authParam, error) {
	var found string
	n := 0
	for _, v := range r.Header.Values("Authorization") {
		if isOAuthScheme(v) {
			found = v
			n++
		}
	}
	switch n {
	case 0:
		return nil, errNoHeader
	case 1:
		return parseAuthorization(found)
	}
	return nil, fmt.Errorf("request has %d OAuth Authorization headers", n)
}

var errNoHeader = errors.New("request has no OAuth Authorization header, nor oauth_ parameters in its query or form body")

func isOAuthScheme(v string) bool {
	v = strings.TrimLeft(v, " \t")
	return len(v) >= 5 && strings.EqualFold(v[:5], "OAuth") && (len(v) == 5 || v[5] == ' ' || v[5] == '\t')
}

// maxAuthParams bounds the parameters of an Authorization header; OAuth
// sends at most about ten.
const maxAuthParams = 64

// parseAuthorization parses an Authorization header of the OAuth scheme
// (RFC 5849 §3.5.1): `OAuth name="value", ...`. Names and values are
// percent-decoded, except realm, which is an RFC 2617 quoted-string. A
// parameter given twice is an error.
func parseAuthorization(h string) ([]authParam, error) {
	s := strings.TrimLeft(h, " \t")
	if !isOAuthScheme(s) {
		return nil, fmt.Errorf("Authorization header does not use the OAuth scheme")
	}
	s = s[5:]
	var ps []authParam
	for {
		s = strings.TrimLeft(s, " \t,")
		if s == "" {
			break
		}
		i := 0
		for i < len(s) && isTokenChar(s[i]) {
			i++
		}
		rawName := s[:i]
		if rawName == "" {
			return nil, fmt.Errorf("malformed Authorization header: expected a parameter name at %q", clip(s))
		}
		s = strings.TrimLeft(s[i:], " \t")
		if s == "" || s[0] != '=' {
			return nil, fmt.Errorf("malformed Authorization header: parameter %q has no value", clip(rawName))
		}
		s = strings.TrimLeft(s[1:], " \t")
		raw, rest, ok := cutQuoted(s)
		if !ok {
			return nil, fmt.Errorf("malformed Authorization header: value of %q is not a quoted string", clip(rawName))
		}
		s = strings.TrimLeft(rest, " \t")
		if s != "" && s[0] != ',' {
			return nil, fmt.Errorf("malformed Authorization header: expected a comma after parameter %q", clip(rawName))
		}
		name, err := percentDecode(rawName)
		if err != nil {
			return nil, fmt.Errorf("malformed Authorization header: parameter name %q %w", clip(rawName), err)
		}
		value := raw
		if name != "realm" {
			if value, err = percentDecode(raw); err != nil {
				return nil, fmt.Errorf("malformed Authorization header: value of %q %w", clip(name), err)
			}
		}
		for _, p := range ps {
			if p.name == name {
				return nil, fmt.Errorf("malformed Authorization header: parameter %q appears twice", clip(name))
			}
		}
		if len(ps) == maxAuthParams {
			return nil, fmt.Errorf("malformed Authorization header: more than %d parameters", maxAuthParams)
		}
		ps = append(ps, authParam{name, value})
	}
	if len(ps) == 0 {
		return nil, fmt.Errorf("Authorization header has no parameters")
	}
	return ps, nil
}

// cutQuoted reads an RFC 2617 quoted-string at the start of s and returns
// its unescaped content and what follows it.
func cutQuoted(s string) (value, rest string, ok bool) {
	if s == "" || s[0] != '"' {
		return "", s, false
	}
	var b []byte // only for backslash escapes
	for i := 1; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			if b != nil {
				return string(b), s[i+1:], true
			}
			return s[1:i], s[i+1:], true
		case '\\':
			if i+1 == len(s) {
				return "", s, false
			}
			if b == nil {
				b = append(b, s[1:i]...)
			}
			i++
			b = append(b, s[i])
		default:
			if b != nil {
				b = append(b, c)
			}
		}
	}
	return "", s, false
}

// appendQuoted appends s as the content of a quoted-string, escaping
// `"` and `\`.
func appendQuoted(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '"' || c == '\\' {
			dst = append(dst, '\\')
		}
		dst = append(dst, s[i])
	}
	return dst
}

// checkRealm rejects a realm that cannot be sent in a header.
func checkRealm(realm string) error {
	if !utf8.ValidString(realm) {
		return fmt.Errorf("realm is not valid UTF-8")
	}
	for i := 0; i < len(realm); i++ {
		if c := realm[i]; c < ' ' || c == 0x7f {
			return fmt.Errorf("realm %q contains a control character", clip(realm))
		}
	}
	return nil
}
