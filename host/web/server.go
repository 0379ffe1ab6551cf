package web

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/openintegrator/integrator/host/app"
)

// DefaultListen is where the console listens unless told otherwise: a
// free port on the loopback interface.
const DefaultListen = "127.0.0.1:0"

// Default limits on request bodies.
const (
	DefaultMaxFormBytes   = 1 << 20   // a form post: settings, a PEM key
	DefaultMaxUploadBytes = 256 << 20 // a file upload (an import's input), streamed to disk
)

// Options say where and how the console listens.
type Options struct {
	// Listen is the address, host:port; "" is DefaultListen. An address
	// that is not a loopback one needs TLS (a *NotLoopbackError otherwise).
	Listen string
	// TLSCert and TLSKey are PEM files; both or neither.
	TLSCert, TLSKey string
	// Logger gets a line per request (method, path and status; never a
	// query or a body). nil logs nothing.
	Logger hclog.Logger
	// MaxFormBytes bounds a form post's body; 0 is DefaultMaxFormBytes.
	MaxFormBytes int64
	// MaxUploadBytes bounds an upload's body; 0 is DefaultMaxUploadBytes.
	MaxUploadBytes int64
}

// NotLoopbackError refuses to serve the console beyond this machine
// without TLS: the session cookie and every secret typed into a form
// would cross the network in clear.
type NotLoopbackError struct{ Listen string }

func (e *NotLoopbackError) Error() string {
	return fmt.Sprintf("%s is not a loopback address: serving the console beyond this machine needs TLS (a certificate and its key)", e.Listen)
}

// Server is the console, listening.
type Server struct {
	app   *app.App
	opts  Options
	log   hclog.Logger
	ln    net.Listener
	tls   bool
	base  string // the URL the console is reached at, without a path
	guard *guard
	pages map[string]*template.Template
	runs  runsState // the Runs pages' state (runs.go)
	h     http.Handler
}

// New listens on o.Listen and returns the console, ready to Serve. It
// refuses an address that is not a loopback one without TLS (a
// *NotLoopbackError), and TLS files given one without the other.
func New(a *app.App, o Options) (*Server, error) {
	if o.Listen == "" {
		o.Listen = DefaultListen
	}
	if o.MaxFormBytes <= 0 {
		o.MaxFormBytes = DefaultMaxFormBytes
	}
	if o.MaxUploadBytes <= 0 {
		o.MaxUploadBytes = DefaultMaxUploadBytes
	}
	if o.Logger == nil {
		o.Logger = hclog.NewNullLogger()
	}
	host, _, err := net.SplitHostPort(o.Listen)
	if err != nil {
		return nil, fmt.Errorf("listen address %q: %w", o.Listen, err)
	}
	if (o.TLSCert == "") != (o.TLSKey == "") {
		return nil, errors.New("TLS needs both a certificate and its key")
	}
	useTLS := o.TLSCert != ""
	if !useTLS && !isLoopback(host) {
		return nil, &NotLoopbackError{Listen: o.Listen}
	}
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	var cert tls.Certificate
	if useTLS {
		if cert, err = tls.LoadX509KeyPair(o.TLSCert, o.TLSKey); err != nil {
			return nil, fmt.Errorf("TLS certificate: %w", err)
		}
	}
	ln, err := net.Listen("tcp", o.Listen)
	if err != nil {
		return nil, err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	hosts := allowedHosts(host, cert.Leaf)
	if useTLS {
		ln = tls.NewListener(ln, &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert}})
	}
	s := &Server{app: a, opts: o, log: o.Logger, ln: ln, tls: useTLS, pages: pages}
	scheme := "http"
	if useTLS {
		scheme = "https"
	}
	s.base = scheme + "://" + net.JoinHostPort(urlHost(host, cert.Leaf), strconv.Itoa(port))
	s.guard, err = newGuard(hosts, port, useTLS)
	if err != nil {
		ln.Close()
		return nil, err
	}
	s.initRuns()
	s.h = s.secure(s.routes())
	return s, nil
}

// URL is the console's address with the one-time token: the link to open
// it. It works once.
func (s *Server) URL() string {
	return s.base + "/?token=" + url.QueryEscape(s.guard.token)
}

// BaseURL is the console's address, without a token.
func (s *Server) BaseURL() string { return s.base }

// Handler returns the console's handler, every security rule included.
func (s *Server) Handler() http.Handler { return s.h }

// Serve answers requests until ctx ends, then stops: requests in flight
// see their context end, and Serve returns once they are done (waiting at
// most a few seconds). It returns nil when ctx ended.
func (s *Server) Serve(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	srv := &http.Server{
		Handler:           s.h,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		BaseContext:       func(net.Listener) context.Context { return ctx },
		ErrorLog:          s.log.StandardLogger(&hclog.StandardLoggerOptions{InferLevels: true}),
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(s.ln) }()
	select {
	case err := <-done:
		s.closeRuns()
		return err
	case <-ctx.Done():
	}
	cancel()
	s.closeRuns()
	stop, cancelStop := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancelStop()
	err := srv.Shutdown(stop)
	<-done
	return err
}

// Serve starts the console on o.Listen, calls ready with its URL (the
// one-time link), and serves until ctx ends.
func Serve(ctx context.Context, a *app.App, o Options, ready func(url string)) error {
	s, err := New(a, o)
	if err != nil {
		return err
	}
	if ready != nil {
		ready(s.URL())
	}
	return s.Serve(ctx)
}
