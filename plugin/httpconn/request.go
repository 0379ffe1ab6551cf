package httpconn

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// Defaults of a request's limits; a Request's zero values mean these.
const (
	DefaultTimeout     = 60 * time.Second // until the response head: every attempt and wait
	DefaultMaxAttempts = 5
	DefaultMaxWait     = 5 * time.Minute // total time spent waiting between attempts
)

// Outgoing is a checked request, ready to be sent (and sent again).
type Outgoing struct {
	method      string
	target      target
	url         string // target.url as sent
	header      http.Header
	body        []byte
	signer      Signer // nil: sent without credentials
	rules       *Profile
	timeout     time.Duration
	maxWait     time.Duration
	maxAttempts int

	// WaitOnly limits retries to answers that ask the client to come back
	// later (a rate limit, 503): a connection test sets it, so that a wrong
	// base URI or a server error still fails at once.
	WaitOnly bool
	// OnWait, when set, is told of each wait before the next attempt.
	OnWait func(Wait)
}

// Method is the request's method, in upper case.
func (o *Outgoing) Method() string { return o.method }

// URL is where the request goes, its query included. Do not modify it.
func (o *Outgoing) URL() *url.URL { return o.target.url }

// Signed reports whether the request carries the connection's
// credentials.
func (o *Outgoing) Signed() bool { return o.signer != nil }

// Header is the header the request is sent with, before signing. Do not
// modify it.
func (o *Outgoing) Header() http.Header { return o.header }

// Timeout, MaxWait and MaxAttempts are the request's limits, defaults
// filled in.
func (o *Outgoing) Timeout() time.Duration { return o.timeout }
func (o *Outgoing) MaxWait() time.Duration { return o.maxWait }
func (o *Outgoing) MaxAttempts() int       { return o.maxAttempts }

// methods are the methods sent; others are refused.
var methods = map[string]bool{
	http.MethodGet: true, http.MethodHead: true, http.MethodPost: true, http.MethodPut: true, http.MethodDelete: true,
}

// idempotent methods are retried after a 5xx answer or a network error.
func idempotent(method string) bool { return method != http.MethodPost }

// headersNotAllowed are set by the engine or the transport, never by
// the caller; the value says why.
var headersNotAllowed = map[string]string{
	"Authorization":       "the connector signs every request itself; remove the Authorization header",
	"Proxy-Authorization": "configure a proxy through the environment, not per request",
	"Host":                "the host comes from the URL",
	"Content-Length":      "the length is taken from the body",
	"Transfer-Encoding":   "the body is sent with a known length",
	"Connection":          "connections are managed by the connector",
	"Keep-Alive":          "connections are managed by the connector",
	"Proxy-Connection":    "connections are managed by the connector",
	"Te":                  "connections are managed by the connector",
	"Trailer":             "trailers are not sent",
	"Upgrade":             "protocol upgrades are not supported",
}

// Prepare checks a request for conn and returns it ready to send, or the
// diagnostic that refuses it. It makes no network call.
func Prepare(conn Conn, req shared.Request) (*Outgoing, *schema.Diagnostic) {
	method := strings.ToUpper(req.Method)
	if method == "" {
		method = http.MethodGet
	}
	if !methods[method] {
		return nil, refuse(CodeMethodNotAllowed, "use GET, POST, PUT, DELETE or HEAD", "method %q is not allowed", req.Method)
	}
	if len(req.Body) > shared.MaxRequestBody {
		d := schema.Errorf("", shared.CodeBodyTooLarge, "send large data in several requests, or use a batch endpoint",
			"the request body is %d bytes; the limit is %d MiB", len(req.Body), shared.MaxRequestBody>>20)
		return nil, &d
	}
	if len(req.Body) > 0 && (method == http.MethodGet || method == http.MethodHead) {
		return nil, refuse(CodeBodyNotAllowed, "pass parameters of a GET in the query, or use POST or PUT",
			"a %s request cannot have a body", method)
	}
	h, d := buildHeader(req.Header, conn.Profile.UserAgent)
	if d != nil {
		return nil, d
	}
	t, d := conn.resolve(req.URL, req.Query)
	if d != nil {
		return nil, d
	}
	o := &Outgoing{method: method, target: t, url: t.url.String(), header: h, body: req.Body, rules: conn.Profile,
		timeout: req.Timeout, maxWait: req.MaxWait, maxAttempts: req.MaxAttempts}
	if t.signed {
		o.signer = conn.Signer
	} else if method != http.MethodGet && method != http.MethodHead {
		return nil, refuse(CodeMethodNotAllowed, "the "+t.host.Name+" serves files: use GET",
			"method %s is not allowed to the %s %s", method, t.host.Name, t.url.Hostname())
	}
	if o.timeout <= 0 {
		o.timeout = DefaultTimeout
	}
	if o.maxWait <= 0 {
		o.maxWait = DefaultMaxWait
	}
	if o.maxAttempts <= 0 {
		o.maxAttempts = DefaultMaxAttempts
	}
	return o, nil
}

// buildHeader checks the caller's headers and returns them with a
// User-Agent added when there is none.
func buildHeader(in []shared.Header, userAgent string) (http.Header, *schema.Diagnostic) {
	h := make(http.Header, len(in)+1)
	for _, f := range in {
		if hasControl(f.Name) {
			return nil, refuse(CodeControlCharacter, "remove line breaks and other control characters from header names",
				"header name %q contains a line break or another control character", clipName(f.Name))
		}
		if i, c, ok := shared.HeaderValueControl(f.Value); ok {
			// The value is not quoted: it may be a credential.
			return nil, refuse(CodeControlCharacter, "remove line breaks and other control characters from header values; only tab is allowed",
				"the value of header %q has a control character (%#02x) at byte %d", clipName(f.Name), c, i+1)
		}
		if !shared.HeaderNameValid(f.Name) {
			return nil, refuse(CodeInvalidHeader, "header names are letters, digits and !#$%&'*+-.^_`|~",
				"header name %q is not valid", clipName(f.Name))
		}
		key := http.CanonicalHeaderKey(f.Name)
		if why, ok := headersNotAllowed[key]; ok {
			return nil, refuse(CodeHeaderNotAllowed, why, "header %s may not be set", key)
		}
		h[key] = append(h[key], f.Value)
	}
	if _, ok := h["User-Agent"]; !ok && userAgent != "" {
		h["User-Agent"] = []string{userAgent}
	}
	return h, nil
}

// clipName shortens a header name for a message and hides control
// characters.
func clipName(s string) string {
	var b strings.Builder
	for i := 0; i < len(s) && i < 64; i++ {
		if c := s[i]; c < 0x20 || c == 0x7f {
			b.WriteByte('?')
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}
