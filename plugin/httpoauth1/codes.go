package httpoauth1

// Diagnostic codes of the connector. They are stable: scripts match on
// them. The schema's codes come first (a missing setting, a value out of
// range, a setting that does not apply to the signature method or paging
// style chosen); a base URI that is not https or has extra parts gets the
// engine's codes (httpconn.CheckBase), a header the engine refuses its
// own; DoRequest's codes are the engine's, and errors the API reports
// keep its code (API_ERROR when ping_error_path names only a message).
const (
	// Validate.
	CodeWhitespaceInCredential = "whitespace_in_credential"
	CodePrivateKey             = "private_key_unusable" // not PEM, encrypted, not RSA, too small
	CodeConflict               = "settings_conflict"    // two settings that cannot go together
	CodeJSONPath               = "json_path"            // a path with an empty key
	CodeNestedPath             = "nested_path_not_supported"

	// Ping; DoRequest adds authentication_failed to an answer of auth_fail_status.
	CodeAuthenticationFailed = "authentication_failed"
	CodeTestFailed           = "test_failed" // the answer's ping_fail_path or ping_success_path says so
	CodeThrottled            = "throttled"
	CodeTestPathNotFound     = "test_path_not_found"
	CodeUnexpectedStatus     = "unexpected_status"
)
