package twitterads

// Diagnostic codes of the connection test (Ping). They are stable:
// scripts match on them. DoRequest's codes are the engine's
// (plugin/httpconn, codes.go); errors the API reports in its "errors"
// array keep the API's own upper-case code (UNAUTHORIZED_ACCESS,
// INVALID_PARAMETER, ...).
const (
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

// CodeInvalidAnswer is the code of a report call whose 2xx answer is not
// what the API documents (no job id, no JSON).
const CodeInvalidAnswer = "invalid_answer"
