package httpconn

import (
	"net/http"
	"net/url"
	"strings"
)

// Signer signs one attempt of a request. It is called before every
// attempt, on a request built afresh, so whatever makes an attempt unique
// (an OAuth nonce and timestamp) is new each time. It may set headers,
// add to the URL's query, or replace the body (setting r.GetBody and
// r.ContentLength too). Its error must not quote a secret: it becomes a
// signing_failed diagnostic. *oauth1.Signer is one.
type Signer interface {
	Sign(r *http.Request) error
}

// SignerFunc adapts a function to a Signer.
type SignerFunc func(r *http.Request) error

// Sign calls f(r).
func (f SignerFunc) Sign(r *http.Request) error { return f(r) }

// Profile is what a connector tells the engine about its API: the other
// hosts it sends to, and its conventions for rate limits and errors. A
// connector with fixed conventions keeps one
// Profile for its lifetime; one configured by its settings makes one per
// connection.
type Profile struct {
	// UserAgent is sent when the caller sets no User-Agent header.
	UserAgent string
	// ExamplePath is a path of the API that refusals show as an example,
	// as "/v2/items"; "" means "/items".
	ExamplePath string
	// Hosts are the hosts, besides the base URI's origin, that absolute
	// URLs may name. Any other host is refused.
	Hosts []Host
	// RateLimits says how the API reports budgets and asks for waits.
	RateLimits RateLimits
	// Errors says where the API puts its errors in a JSON answer.
	Errors APIErrors
}

// Host is a host, besides the base URI's origin, that an absolute URL may
// name. Requests to it are signed only when Signed is set; an unsigned
// host serves files (as the results of an asynchronous report): only GET
// and HEAD are sent to it.
type Host struct {
	// Name says what the host is, as "report download host".
	Name string
	// Shown is where it is, as "files.example.com", for refusals.
	Shown string
	// Allows reports whether u may be sent to as this host. u has a
	// lower-case scheme and host and has passed the scheme checks; base is
	// the connection's base URI.
	Allows func(u, base *url.URL) bool
	// Signed says that requests carry the connection's credentials.
	Signed bool
}

// Conn is one connection as the engine needs it: where relative paths
// go, who signs, and the API's conventions.
type Conn struct {
	Profile *Profile
	// Base is the connection's base URI as ParseBase returns it.
	Base *url.URL
	// Prefix, when set, rewrites a relative path (escaped, without its
	// leading "/") before it is joined to the base path: a profile puts
	// an API version in front of paths that have none.
	Prefix func(path string) string
	// Signer signs requests to the base URI's origin and to Signed hosts;
	// nil sends them unsigned.
	Signer Signer
	// Concurrency, when above 0, bounds the requests Do has in flight at
	// once for the connections of the same Key; more wait their turn. A
	// request holds its place until its body is closed.
	Concurrency int
	// Key names whose requests Concurrency bounds, such as a hash of the
	// base URI and the client's and user's ids; never a secret in clear.
	Key string
}

// ParseBase parses a base URI and returns its scheme and host in lower
// case and its path without a trailing "/", with no query, fragment or
// user information. The connector's validation has checked it; see
// CheckBase.
func ParseBase(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	return &url.URL{
		Scheme:  strings.ToLower(u.Scheme),
		Host:    strings.ToLower(u.Host),
		Path:    strings.TrimSuffix(u.Path, "/"),
		RawPath: strings.TrimSuffix(u.RawPath, "/"),
	}, nil
}

func (p *Profile) examplePath() string {
	if p.ExamplePath == "" {
		return "/items"
	}
	return p.ExamplePath
}
