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
