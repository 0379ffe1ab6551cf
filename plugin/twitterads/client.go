package twitterads

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

// newHTTPClient returns the client a Connector keeps for its lifetime, so
// that connections are reused across calls. It speaks HTTP/1.1 and HTTP/2,
// uses the proxy from the environment, and never follows a redirect: a
// redirect is answered to the caller as it is, so credentials cannot
// travel to a host named in a Location header.
func newHTTPClient() *http.Client {
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
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}
