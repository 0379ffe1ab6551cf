package web

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/x509"
	"encoding/base64"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
)

// The security rules every request passes, in this order (secure):
//
//  1. Response headers: a strict Content-Security-Policy (no inline
//     script, nothing from elsewhere, no framing), nosniff, no referrer,
//     no caching of pages.
//  2. The Host header must name this console: its listen address, a
//     loopback name, or a name its TLS certificate holds. A page of
//     another site whose name was made to resolve to 127.0.0.1 (DNS
//     rebinding) sends its own name and is refused.
//  3. Cross-origin requests that could change state are refused
//     (net/http.CrossOriginProtection: Sec-Fetch-Site, else Origin).
//  4. The session: the one-time token in the console's link is
//     exchanged, once, for a session cookie (HttpOnly, SameSite=Strict,
//     Secure over TLS); every other request needs the cookie, else 401.
//
// Request bodies are bounded by the route (form and upload, used by
// routes.go), and every route that changes state is a POST.

// sessionCookie is the session cookie's name; over TLS it is
// "__Host-"+sessionCookie, which a browser keeps only when it is Secure,
// for this host alone and the whole site.
const sessionCookie = "integrator_session"

// Messages of refused requests: short, and they say what to do.
const (
	msgNoSession = "401 Unauthorized: this console opens only through the link 'integrator console' printed, and that link works once.\n" +
		"Open the link in this browser, or stop the console and run 'integrator console' again for a new link.\n"
	msgUsedToken = "401 Unauthorized: this link was used already (it works once) or is not this console's.\n" +
		"Go back to the browser tab the link opened, or stop the console and run 'integrator console' again for a new link.\n"
	msgBadHost     = "403 Forbidden: this console answers only at its own address (the Host header names another).\n"
	msgCrossOrigin = "403 Forbidden: a request from another site cannot change anything here.\n"
)

// contentSecurityPolicy allows the console's own scripts, styles and
// images only, no inline script or style, no plugins, no framing, and
// forms that post only to the console.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; " +
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// guard holds the one-time token and the sessions it was exchanged for.
type guard struct {
	hosts map[string]bool // host names (lower case, no port) the Host header may give
	port  string
	tls   bool

	token string // the one-time token, in the console's link

	mu       sync.Mutex
	used     bool              // the token was exchanged
	sessions map[[32]byte]bool // SHA-256 of each session cookie's value
}

func newGuard(hosts map[string]bool, port int, useTLS bool) (*guard, error) {
	tok, err := randomText()
	if err != nil {
		return nil, err
	}
	return &guard{hosts: hosts, port: strconv.Itoa(port), tls: useTLS, token: tok, sessions: map[[32]byte]bool{}}, nil
}

// randomText is 32 random bytes, base64url.
func randomText() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func (g *guard) cookieName() string {
	if g.tls {
		return "__Host-" + sessionCookie
	}
	return sessionCookie
}

// exchange spends the token: true, with a new session's cookie value,
// when tok is the token and was not spent before.
func (g *guard) exchange(tok string) (string, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.used || subtle.ConstantTimeCompare([]byte(tok), []byte(g.token)) != 1 {
		return "", false
	}
	g.used = true
	v, err := randomText()
	if err != nil {
		return "", false
	}
	g.sessions[sha256.Sum256([]byte(v))] = true
	return v, true
}

// session reports whether r carries a session cookie.
func (g *guard) session(r *http.Request) bool {
	c, err := r.Cookie(g.cookieName())
	if err != nil {
		return false
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.sessions[sha256.Sum256([]byte(c.Value))]
}

// hostOK reports whether the Host header names this console.
func (g *guard) hostOK(host string) bool {
	h, port, err := net.SplitHostPort(host)
	if err != nil || port != g.port {
		return false
	}
	return g.hosts[strings.ToLower(strings.TrimSuffix(h, "."))]
}

// secure wraps next in the security rules.
func (s *Server) secure(next http.Handler) http.Handler {
	g := s.guard
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		plain(w, http.StatusForbidden, msgCrossOrigin)
	}))
	session := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/" && r.URL.Query().Has("token") {
			s.exchangeToken(w, r)
			return
		}
		if !g.session(r) {
			plain(w, http.StatusUnauthorized, msgNoSession)
			return
		}
		next.ServeHTTP(w, r)
	})
	checked := cop.Handler(session)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		defer func() { s.log.Debug("request", "method", r.Method, "path", r.URL.EscapedPath(), "status", lw.status) }()
		setHeaders(lw.Header())
		if !g.hostOK(r.Host) {
			plain(lw, http.StatusForbidden, msgBadHost)
			return
		}
		checked.ServeHTTP(lw, r)
	})
}

// setHeaders sets the headers of every response.
func setHeaders(h http.Header) {
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
}

// exchangeToken answers the console's link: the first time, with a
// session cookie and a page that moves on to the connections (a page, not
// a redirect: a browser does not send a SameSite=Strict cookie on a
// redirect that a link from elsewhere started); any other time, 401.
func (s *Server) exchangeToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		plain(w, http.StatusMethodNotAllowed, "405 Method Not Allowed\n")
		return
	}
	v, ok := s.guard.exchange(r.URL.Query().Get("token"))
	if !ok {
		plain(w, http.StatusUnauthorized, msgUsedToken)
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: s.guard.cookieName(), Value: v, Path: "/",
		HttpOnly: true, Secure: s.tls, SameSite: http.SameSiteStrictMode,
	})
	s.render(w, r, http.StatusOK, "welcome.html", "Integrator console", "", nil)
}

// form bounds the body of a form post to MaxFormBytes; a bigger one fails
// to parse (the handler answers 413, see tooBig).
func (s *Server) form(h http.HandlerFunc) http.Handler {
	return http.MaxBytesHandler(h, s.opts.MaxFormBytes)
}

// upload bounds the body of an upload to MaxUploadBytes.
func (s *Server) upload(h http.HandlerFunc) http.Handler {
	return http.MaxBytesHandler(h, s.opts.MaxUploadBytes)
}

// plain writes a short text answer.
func plain(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	w.Write([]byte(msg))
}

// statusWriter remembers the status written, for the log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the writer (Flush for event
// streams).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// isLoopback reports whether a listen host is a loopback one: localhost or
// a loopback IP ("" and unspecified addresses listen everywhere).
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// loopbackNames are the names a browser on this machine may use.
var loopbackNames = []string{"localhost", "127.0.0.1", "::1"}

// allowedHosts are the names the Host header may give: the loopback names,
// the listen host, the names and addresses in the TLS certificate, and,
// for an address that listens everywhere, this machine's name and
// addresses.
func allowedHosts(listen string, cert *x509.Certificate) map[string]bool {
	hosts := map[string]bool{}
	add := func(h string) { hosts[strings.ToLower(strings.TrimSuffix(h, "."))] = true }
	for _, h := range loopbackNames {
		add(h)
	}
	ip := net.ParseIP(listen)
	switch {
	case listen == "" || (ip != nil && ip.IsUnspecified()):
		if name, err := os.Hostname(); err == nil {
			add(name)
		}
		if addrs, err := net.InterfaceAddrs(); err == nil {
			for _, a := range addrs {
				if n, ok := a.(*net.IPNet); ok {
					add(n.IP.String())
				}
			}
		}
	case ip != nil:
		add(ip.String())
	default:
		add(listen)
	}
	if cert != nil {
		for _, n := range cert.DNSNames {
			add(n)
		}
		for _, a := range cert.IPAddresses {
			add(a.String())
		}
	}
	return hosts
}

// urlHost is the host the console's link names: the listen host, or for
// one that listens everywhere, the first name in the TLS certificate (else
// 127.0.0.1).
func urlHost(listen string, cert *x509.Certificate) string {
	ip := net.ParseIP(listen)
	if listen != "" && (ip == nil || !ip.IsUnspecified()) {
		return listen
	}
	if cert != nil {
		if len(cert.DNSNames) > 0 {
			return cert.DNSNames[0]
		}
		if len(cert.IPAddresses) > 0 {
			return cert.IPAddresses[0].String()
		}
	}
	return "127.0.0.1"
}
