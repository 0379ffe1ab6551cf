package twitteradssim

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
)

// A Server is a running X Ads API simulator: an API listener and a second
// listener standing for the report download host, both on loopback.
type Server struct {
	// URL is the API base, "http://127.0.0.1:PORT", without a version.
	URL string
	// DownloadURL is the base of the download host that async stats job
	// results point at. Its GETs are not signed.
	DownloadURL string
	// Credentials are the demo credentials; they can use every account.
	Credentials Credentials
	// NoAccessCredentials belong to an app without Ads API access: signed
	// requests with them answer 403 UNAUTHORIZED_CLIENT_APPLICATION.
	NoAccessCredentials Credentials
	// AccountID is the id of the first ads account, never deleted.
	AccountID string

	cfg     config
	now     func() time.Time
	store   *store
	auth    *authenticator
	limiter *limiter
	faults  *faultSet
	counts  *counters
	jobs    *jobStore
	routes  []*route

	api, dl   *http.Server
	inflight  inflight
	serving   sync.WaitGroup
	closeOnce sync.Once
}

// NewServer starts a simulator on 127.0.0.1 with a free port, like
// httptest.NewServer. It panics if the server cannot start; use Start to
// get the error instead. Call Close when done.
func NewServer(opts ...Option) *Server {
	s, err := Start(opts...)
	if err != nil {
		panic("twitteradssim: " + err.Error())
	}
	return s
}

// Start is NewServer returning an error instead of panicking.
func Start(opts ...Option) (*Server, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		o(&cfg)
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, now: cfg.now}
	s.inflight.init()
	s.Credentials = demoCredentials(cfg.seed, "demo")
	if cfg.creds != nil {
		s.Credentials = *cfg.creds
	}
	s.NoAccessCredentials = demoCredentials(cfg.seed, "no-access")
	if cfg.noAccess != nil {
		s.NoAccessCredentials = *cfg.noAccess
	}
	auth, err := newAuthenticator(s.Credentials, s.NoAccessCredentials, cfg)
	if err != nil {
		return nil, err
	}
	s.auth = auth
	s.store = newStore(cfg.seed, cfg.sizes)
	s.AccountID = s.store.id(kindAccount, 0, 0)
	s.limiter = newLimiter(cfg.limits, cfg.now)
	s.faults = newFaultSet(cfg.seed, cfg.faults)
	s.counts = newCounters()
	s.jobs = newJobStore()
	s.routes = s.buildRoutes()

	apiLn, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", cfg.addr, err)
	}
	dlLn, err := net.Listen("tcp", cfg.downloadAddr)
	if err != nil {
		apiLn.Close()
		return nil, fmt.Errorf("listen on %s: %w", cfg.downloadAddr, err)
	}
	s.URL = "http://" + apiLn.Addr().String()
	s.DownloadURL = "http://" + dlLn.Addr().String()
	s.api = &http.Server{Handler: s.inflight.track(http.HandlerFunc(s.serveAPI)), ReadHeaderTimeout: 30 * time.Second}
	s.dl = &http.Server{Handler: s.inflight.track(http.HandlerFunc(s.serveDownload)), ReadHeaderTimeout: 30 * time.Second}
	for _, p := range []struct {
		srv *http.Server
		ln  net.Listener
	}{{s.api, apiLn}, {s.dl, dlLn}} {
		s.serving.Add(1)
		go func() {
			defer s.serving.Done()
			p.srv.Serve(p.ln)
		}()
	}
	return s, nil
}

// Close stops both listeners, closes all connections and waits for
// handlers still running to return.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		s.api.Close()
		s.dl.Close()
		s.serving.Wait()
		s.inflight.closeAndWait()
	})
}

// Shutdown stops the listeners and waits, until ctx ends, for requests in
// flight to finish; then it closes what is left.
func (s *Server) Shutdown(ctx context.Context) error {
	err := errors.Join(s.api.Shutdown(ctx), s.dl.Shutdown(ctx))
	s.Close()
	return err
}

// AccountIDs returns the ids of all seeded accounts, deleted ones included.
func (s *Server) AccountIDs() []string {
	ids := make([]string, s.cfg.sizes.accounts)
	for i := range ids {
		ids[i] = s.store.id(kindAccount, i, 0)
	}
	return ids
}

// SetRateLimits replaces the rate-limit budgets and refills every window.
func (s *Server) SetRateLimits(l RateLimits) error {
	if err := l.validate(); err != nil {
		return err
	}
	s.limiter.set(l)
	return nil
}

// ResetRateLimits refills every rate-limit window.
func (s *Server) ResetRateLimits() { s.limiter.reset() }

// SetFaults replaces the faults in effect; nil switches them off. Each
// fault's counting restarts. Safe to call while requests are served.
func (s *Server) SetFaults(f Faults) { s.faults.set(f) }

// Counts returns a snapshot of the request and entity counters.
func (s *Server) Counts() Counts { return s.counts.snapshot() }

// ResetCounts sets all counters back to zero.
func (s *Server) ResetCounts() { s.counts.reset() }
