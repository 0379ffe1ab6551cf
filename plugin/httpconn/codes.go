package httpconn

import "github.com/openintegrator/integrator/shared"

// Diagnostic codes of the engine. They are stable: scripts match on them.
// Errors an API reports in its answer keep the API's own code (see
// APIErrors).
const (
	// Requests refused before anything is sent.
	CodeInvalidURL       = "invalid_url"        // empty, unparsable, fragment, user info, scheme-relative
	CodeSchemeNotAllowed = "scheme_not_allowed" // not http or https
	CodeInsecureURL      = "insecure_url"       // plain http to a host that is not loopback
	CodeHostNotAllowed   = "host_not_allowed"   // neither the base URI's origin nor a host of the profile
	CodeDotSegment       = "dot_segment"        // "." or ".." path segments
	CodeControlCharacter = "control_character"  // CR, LF or another control character in the path or a header
	CodeInvalidHeader    = "invalid_header"     // a header name that is not an HTTP token
	CodeHeaderNotAllowed = "header_not_allowed" // Authorization, Host, Content-Length and hop-by-hop headers
	CodeMethodNotAllowed = "method_not_allowed" // not GET, HEAD, POST, PUT or DELETE; or not GET/HEAD to an unsigned host
	CodeBodyNotAllowed   = "body_not_allowed"   // a body on GET or HEAD
	CodeSigningFailed    = "signing_failed"     // the signer refused the request

	// No HTTP answer.
	CodeDNSError          = "dns_error"
	CodeConnectionRefused = "connection_refused"
	CodeTLSError          = "tls_error"
	CodeConnectionFailed  = "connection_failed" // another error while connecting
	CodeConnectionReset   = "connection_reset"  // the connection broke after the request was sent
	CodeNetworkError      = "network_error"
	CodeTimeout           = "timeout" // the request's timeout passed
	CodeBodyIdle          = "body_idle"

	// Answers the engine gave up on, and what may have happened.
	CodeRateLimited        = shared.CodeRateLimited // not waited for: the reset is past the deadline or the maximum wait
	CodeServiceUnavailable = "service_unavailable"  // 503 (or another Unavailable status) not retried any more
	CodeServerError        = "server_error"         // another 5xx not retried any more
	CodeOutcomeUnknown     = "outcome_unknown"      // a write may or may not have been applied
	CodeRedirect           = "redirect"             // redirects are never followed
	CodeAttemptsExhausted  = "attempts_exhausted"   // a warning: the maximum attempts were spent
	CodeMoreErrors         = "more_errors"          // the API reported more errors than became diagnostics

	// A base URI that CheckBase refuses.
	CodeInsecureBaseURI   = "insecure_base_uri"
	CodeBaseURIExtra      = "base_uri_extra"
	CodeBaseURIDotSegment = "base_uri_dot_segment"
)

// DefaultAPIErrorCode is the code of an API error that names none.
const DefaultAPIErrorCode = "API_ERROR"
