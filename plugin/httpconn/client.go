package httpconn

import (
	"crypto/tls"
	"net"
	"net/http"
	"time"
)

// Timeouts of the HTTP client, per connection or attempt. A request's own
// timeout (Request.Timeout) bounds the whole call on top of these.
const (
	dialTimeout           = 10 * time.Second
	tlsHandshakeTimeout   = 10 * time.Second
	responseHeaderTimeout = 2 * time.Minute
	idleConnTimeout       = 90 * time.Second
)

// NewClient returns the client an Engine keeps for its lifetime unless
// Options give another, so that connections are reused across calls. It
// speaks HTTP/1.1 and HTTP/2, uses the proxy from the environment, and
// never follows a redirect: a redirect is answered to the caller as it
// is, so credentials cannot travel to a host named in a Location header.
// A client given in Options is copied with redirects turned off too.
func NewClient() *http.Client {
	dialer := &net.Dialer{Timeout: dialTimeout, KeepAlive: 30 * time.Second}
	return &http.Client{
		Transport: &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           dialer.DialContext,
			ForceAttemptHTTP2:     true,
			TLSClientConfig:       &tls.Config{MinVersion: tls.VersionTLS12},
			TLSHandshakeTimeout:   tlsHandshakeTimeout,
			ResponseHeaderTimeout: responseHeaderTimeout,
			ExpectContinueTimeout: time.Second,
			IdleConnTimeout:       idleConnTimeout,
			MaxIdleConns:          100,
			MaxIdleConnsPerHost:   32,
		},
		CheckRedirect: noRedirect,
	}
}

func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
