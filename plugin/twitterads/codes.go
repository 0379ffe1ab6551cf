package twitterads

// Diagnostic codes of Ping and DoRequest. They are stable: scripts match
// on them. Errors the API reports in its "errors" array keep the API's own
// upper-case code (UNAUTHORIZED_ACCESS, INVALID_PARAMETER, ...).
const (
	// Requests refused before anything is sent.
	CodeInvalidURL       = "invalid_url"        // empty, unparsable, fragment, user info, scheme-relative
	CodeSchemeNotAllowed = "scheme_not_allowed" // not http or https
	CodeInsecureURL      = "insecure_url"       // plain http to a host that is not loopback
	CodeHostNotAllowed   = "host_not_allowed"   // neither the API host nor a download host
	CodeDotSegment       = "dot_segment"        // "." or ".." path segments
	CodeControlCharacter = "control_character"  // CR, LF or another control character in the path or a header
	CodeInvalidHeader    = "invalid_header"     // a header name that is not an HTTP token
	CodeHeaderNotAllowed = "header_not_allowed" // Authorization, Host, Content-Length and hop-by-hop headers
	CodeMethodNotAllowed = "method_not_allowed" // not GET, HEAD, POST, PUT or DELETE; or not GET/HEAD to a download host
	CodeBodyNotAllowed   = "body_not_allowed"   // a body on GET or HEAD
	CodeSigningFailed    = "signing_failed"     // the OAuth signer refused the request

	// No HTTP answer.
	CodeDNSError          = "dns_error"
	CodeConnectionRefused = "connection_refused"
	CodeTLSError          = "tls_error"
	CodeConnectionFailed  = "connection_failed" // another error while connecting
	CodeConnectionReset   = "connection_reset"  // the connection broke after the request was sent
	CodeNetworkError      = "network_error"
	CodeTimeout           = "timeout" // the request's timeout passed
	CodeBodyIdle          = "body_idle"

	// Answers the connector gave up on, and what may have happened.
	CodeRateLimited        = "rate_limited"        // 429 not waited for: the reset is past the deadline or the maximum wait
	CodeServiceUnavailable = "service_unavailable" // 503 not retried any more
	CodeServerError        = "server_error"        // another 5xx not retried any more
	CodeOutcomeUnknown     = "outcome_unknown"     // a write may or may not have been applied
	CodeRedirect           = "redirect"            // redirects are never followed
	CodeAttemptsExhausted  = "attempts_exhausted"  // a warning: the maximum attempts were spent
	CodeMoreErrors         = "more_errors"         // the API reported more errors than became diagnostics

	// Ping.
	CodeAuthenticationFailed = "authentication_failed"
	CodeNoAdsAPIAccess       = "no_ads_api_access"
	CodeAccountNotFound      = "account_not_found"
	CodeThrottled            = "throttled"
	CodeNotAdsAPI            = "not_ads_api"
	CodeVersionUnavailable   = "api_version_unavailable"
	CodeNewerAPIVersion      = "newer_api_version"
	CodeAPIWarning           = "api_warning"
	CodeUnexpectedStatus     = "unexpected_status"
)
