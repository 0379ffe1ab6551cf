package httpconn

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/url"
	"strings"
	"syscall"

	"github.com/openintegrator/integrator/schema"
)

// netDiagnostic explains an error that left no HTTP answer, naming the
// host (never the URL, whose query may hold a signature). Messages of the
// standard library name hosts, addresses and causes, never headers.
func netDiagnostic(err error, host string) schema.Diagnostic {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // its message repeats the whole URL
	}
	var dnsErr *net.DNSError
	var opErr *net.OpError
	var netErr net.Error
	switch {
	case errors.As(err, &dnsErr):
		why := dnsErr.Err
		if dnsErr.IsNotFound {
			why = "no such host"
		}
		return schema.Errorf("", CodeDNSError,
			"check the host name in the base URI or URL, and this computer's network and DNS settings",
			"cannot resolve host %s: %s", dnsErr.Name, why)
	case isTLSError(err):
		return schema.Errorf("", CodeTLSError,
			"check that the base URI is the API's address, that the system's CA certificates are installed, and that no proxy intercepts TLS",
			"TLS handshake with %s failed: %s", host, tlsReason(err))
	case errors.Is(err, syscall.ECONNREFUSED):
		return schema.Errorf("", CodeConnectionRefused,
			"check the host and port in the base URI; nothing accepts connections there",
			"connection refused by %s", host)
	case errors.As(err, &opErr) && opErr.Op == "dial" || errors.As(err, &opErr) && opErr.Op == "proxyconnect":
		if opErr.Timeout() {
			return schema.Errorf("", CodeConnectionFailed, "check the base URI, the network and any firewall or proxy",
				"connecting to %s timed out", host)
		}
		return schema.Errorf("", CodeConnectionFailed, "check the base URI, the network and any firewall or proxy",
			"cannot connect to %s: %s", host, innermost(opErr.Err))
	case errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.EPIPE):
		return schema.Errorf("", CodeConnectionReset, "try again later; if it persists, check the network and any proxy",
			"the connection to %s broke before the answer arrived", host)
	case errors.As(err, &netErr) && netErr.Timeout():
		return schema.Errorf("", CodeTimeout, "try again later, or raise the request's timeout",
			"%s did not answer in time", host)
	}
	return schema.Errorf("", CodeNetworkError, "try again later; if it persists, check the network and any proxy",
		"request to %s failed: %s", host, innermost(err))
}

// plainHTTPAnswer is how net/http reports an https URL served by plain
// HTTP; it has no error value to match.
const plainHTTPAnswer = "server gave HTTP response to HTTPS client"

func isTLSError(err error) bool {
	var (
		verify   *tls.CertificateVerificationError
		record   tls.RecordHeaderError
		alert    tls.AlertError
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
	)
	return errors.As(err, &verify) || errors.As(err, &record) || errors.As(err, &alert) || errors.As(err, &unknown) ||
		errors.As(err, &hostname) || errors.As(err, &invalid) || strings.HasPrefix(innermost(err), "tls: ") ||
		strings.Contains(err.Error(), plainHTTPAnswer)
}

// tlsReason is the TLS error's message without the transport's prefixes.
func tlsReason(err error) string {
	msg := err.Error()
	if strings.Contains(msg, plainHTTPAnswer) {
		return "the server speaks plain HTTP, not TLS"
	}
	if i := strings.Index(msg, "tls: "); i >= 0 {
		return msg[i:]
	}
	if i := strings.Index(msg, "x509: "); i >= 0 {
		return msg[i:]
	}
	return msg
}

// innermost is the message of the deepest wrapped error: "connection
// refused" rather than "dial tcp 127.0.0.1:9: connect: connection refused".
func innermost(err error) string {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err.Error()
		}
		err = next
	}
}
