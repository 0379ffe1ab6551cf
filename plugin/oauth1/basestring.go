package oauth1

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"
)

// BaseString returns the signature base string (RFC 5849 §3.4.1) of r, a
// signed request: one signed by [Signer.Sign] on the client, or one
// received by a server. It is the string whose HMAC (or RSA signature) is
// the signature, for debugging a 401: after Sign, it is exactly what Sign
// signed; on a server, it is what [Verify] checks.
//
// The protocol parameters come from the OAuth Authorization header as sent
// (realm and oauth_signature excluded) or, without one, from the query and
// form body; the others from the query and, when the Content-Type is
// application/x-www-form-urlencoded, the body, which is read and left
// readable again.
func BaseString(r *http.Request) (string, error) {
	if err := checkRequest(r); err != nil {
		return "", fmt.Errorf("oauth1: %w", err)
	}
	rc, err := readReceived(r)
	if err != nil {
		return "", fmt.Errorf("oauth1: %w", err)
	}
	p, bs, err := rc.baseString(r)
	if err != nil {
		return "", fmt.Errorf("oauth1: %w", err)
	}
	return string(p.buf[bs.start:bs.end]), nil
}

// maxFormBody bounds the form body read on the server side, as
// net/http's ParseForm does.
const maxFormBody = 10 << 20

// received is what the base string of a signed request is made of.
type received struct {
	query  string
	body   []byte      // a form body, else nil
	ap     []authParam // the protocol parameters
	header bool        // ap is the Authorization header's, else it is in query and body
}

// where names where the protocol parameters were found, for errors.
func (rc received) where() string {
	if rc.header {
		return "Authorization header"
	}
	return "request"
}

// readReceived finds the protocol parameters of r, in its OAuth
// Authorization header or else in its query and form body, and reads its
// query and form body (which is left readable again).
func readReceived(r *http.Request) (received, error) {
	rc := received{query: r.URL.RawQuery}
	ap, err := requestAuthorization(r)
	if err != nil && err != errNoHeader {
		return rc, err
	}
	rc.ap, rc.header = ap, err == nil
	if len(rc.query) > maxSigned {
		return rc, fmt.Errorf("query is too large")
	}
	if isForm(r.Header) {
		if rc.body, err = readBody(r, maxFormBody); err != nil {
			return rc, fmt.Errorf("reading form body: %w", err)
		}
	}
	if !rc.header {
		if rc.ap, err = formProtocol(rc.query, rc.body); err != nil {
			return rc, err
		}
		if rc.ap == nil {
			return rc, errNoHeader
		}
	}
	return rc, nil
}

// baseString collects the parameters (query, form body and, from a header,
// the protocol parameters) and appends the base string, whose range it
// returns.
func (rc received) baseString(r *http.Request) (params, span, error) {
	var p params
	p.buf = make([]byte, 0, 3*(len(rc.query)+len(rc.body))+512)
	p, err := addForm(p, rc.query, "query")
	if err != nil {
		return p, span{}, err
	}
	if p, err = addForm(p, rc.body, "form body"); err != nil {
		return p, span{}, err
	}
	if rc.header {
		for _, a := range rc.ap {
			if a.name == "realm" || a.name == "oauth_signature" {
				continue
			}
			if p, err = p.add(a.name, a.value); err != nil {
				return p, span{}, fmt.Errorf("Authorization header: %w", err)
			}
		}
	}
	return p.appendBaseString(r, 0)
}

// formProtocol returns the parameters named oauth_* of the query and form
// body, decoded, when they hold oauth_consumer_key or oauth_signature (a
// request signed with InQuery or InBody), else nil. A name given twice is
// an error.
func formProtocol(query string, body []byte) ([]authParam, error) {
	var ps []authParam
	signed := false
	add := func(name, value []byte) error {
		if len(name) < len("oauth_") || string(name[:len("oauth_")]) != "oauth_" {
			return nil
		}
		for _, p := range ps {
			if p.name == string(name) {
				return fmt.Errorf("parameter %q appears twice in the query and form body", clip(name))
			}
		}
		if len(ps) == maxAuthParams {
			return fmt.Errorf("more than %d oauth_ parameters in the query and form body", maxAuthParams)
		}
		signed = signed || string(name) == "oauth_consumer_key" || string(name) == "oauth_signature"
		ps = append(ps, authParam{string(name), string(value)})
		return nil
	}
	if err := eachForm(query, add); err != nil {
		return nil, err
	}
	if err := eachForm(body, add); err != nil {
		return nil, err
	}
	if !signed {
		return nil, nil
	}
	return ps, nil
}

// eachForm calls f with the decoded name and value of each part of form
// data; a part that does not decode is skipped (signing reports it).
func eachForm[T text](data T, f func(name, value []byte) error) error {
	var name, value []byte
	for i := 0; i < len(data); {
		end := i + index(data[i:], '&')
		if end < i {
			end = len(data)
		}
		part := data[i:end]
		i = end + 1
		eq := index(part, '=')
		if eq < 0 {
			eq = len(part)
		}
		var ok1, ok2 bool
		name, ok1 = formDecode(name[:0], part[:eq])
		value, ok2 = formDecode(value[:0], part[min(eq+1, len(part)):])
		if !ok1 || !ok2 || len(part) == 0 {
			continue
		}
		if err := f(name, value); err != nil {
			return err
		}
	}
	return nil
}

func checkRequest(r *http.Request) error {
	if r == nil {
		return fmt.Errorf("nil request")
	}
	if r.URL == nil {
		return fmt.Errorf("request has no URL")
	}
	return nil
}

// appendMethod appends the request method in upper case ("" is GET). A
// method that is not an HTTP token, or that holds "&", is an error: it
// would make the base string ambiguous.
func appendMethod(dst []byte, method string) ([]byte, error) {
	if method == "" {
		return append(dst, "GET"...), nil
	}
	for i := 0; i < len(method); i++ {
		c := method[i]
		if !isTokenChar(c) || c == '&' {
			return dst, fmt.Errorf("request method %q is not a valid HTTP method", clip(method))
		}
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst, nil
}

// appendBaseURI appends the encoded base string URI of r (RFC 5849
// §3.4.1.2): lower-case scheme and host, the port unless it is the
// scheme's default, and the path as sent ("/" if empty), without query or
// fragment.
//
// A client request has an absolute r.URL; a server request has only a
// path there, and then the scheme is https if r.TLS is set, else http. The
// host is r.Host (the Host header sent or received), else r.URL.Host.
func appendBaseURI(dst []byte, r *http.Request) ([]byte, error) {
	u := r.URL
	scheme := u.Scheme
	if scheme == "" {
		scheme = "http"
		if r.TLS != nil {
			scheme = "https"
		}
	}
	host := r.Host
	if host == "" {
		host = u.Host
	}
	if host == "" {
		return dst, fmt.Errorf("request has no host")
	}
	path, err := requestPath(u)
	if err != nil {
		return dst, err
	}
	host, err = sentHost(host)
	if err != nil {
		return dst, err
	}
	dst = appendEncodedLower(dst, scheme)
	dst = append(dst, "%3A%2F%2F"...)
	if i := strings.LastIndexByte(host, ':'); i >= 0 && strings.IndexByte(host[i:], ']') < 0 {
		port := host[i+1:]
		if port == "" || isDefaultPort(scheme, port) {
			host = host[:i]
		}
	}
	dst = appendEncodedLower(dst, host)
	if path[0] != '/' {
		dst = append(dst, "%2F"...)
	}
	return appendEncoded(dst, path), nil
}

// sentHost returns host as net/http writes it in the Host header, or an
// error when net/http would not send it as it is: it converts a host that
// is not ASCII to punycode, sends an empty Host header instead of one with
// bytes a host cannot have, and removes an IPv6 zone ("[fe80::1%en0]").
func sentHost(host string) (string, error) {
	for i := 0; i < len(host); i++ {
		c := host[i]
		if c >= utf8.RuneSelf {
			return "", fmt.Errorf("host %q is not ASCII: use its punycode (xn--) form", clip(host))
		}
		if !hostByte[c] {
			return "", fmt.Errorf("host %q has a byte that cannot be sent in a Host header", clip(host))
		}
	}
	if strings.HasPrefix(host, "[") {
		if end := strings.LastIndexByte(host, ']'); end > 0 {
			if zone := strings.LastIndexByte(host[:end], '%'); zone > 0 {
				host = host[:zone] + host[end:]
			}
		}
	}
	return host, nil
}

// hostByte marks the bytes net/http lets through in a Host header.
var hostByte = func() (t [256]bool) {
	t = unreserved
	for _, c := range []byte("!$%&'()*+,:;=[]") {
		t[c] = true
	}
	return t
}()

func isDefaultPort(scheme, port string) bool {
	return port == "80" && strings.EqualFold(scheme, "http") ||
		port == "443" && strings.EqualFold(scheme, "https")
}

// requestPath returns the path of u as net/http sends it (escaped, "/" if
// empty).
func requestPath(u *url.URL) (string, error) {
	if u.Opaque == "" {
		if p := u.EscapedPath(); p != "" {
			return p, nil
		}
		return "/", nil
	}
	// net/http sends an opaque URL as its request target: "//host/path"
	// stands for an absolute URL, "/path" for a path.
	p := u.Opaque
	if strings.HasPrefix(p, "//") {
		i := strings.IndexByte(p[2:], '/')
		if i < 0 {
			return "/", nil
		}
		p = p[2+i:]
	}
	if !strings.HasPrefix(p, "/") {
		return "", fmt.Errorf("URL %q has no path", clip(u.Scheme+":"+u.Opaque))
	}
	return p, nil
}

// isTokenChar reports whether c may appear in an HTTP token (RFC 9110 §5.6.2).
func isTokenChar(c byte) bool {
	if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}
