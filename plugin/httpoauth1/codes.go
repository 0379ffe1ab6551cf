package httpoauth1

// Diagnostic codes of the connector. They are stable: scripts match on
// them. A base URI that is not https or has extra parts gets the engine's
// codes (httpconn.CheckBase), a header the engine refuses its own, a
// field required for the chosen method schema.CodeMissingRequired;
// DoRequest's codes are the engine's, and errors the API reports keep its
// code (API_ERROR when ping_error_path names only a message).
const (
	// Validate.
	CodeWhitespaceInCredential = "whitespace_in_credential"
	CodePrivateKey             = "private_key_unusable" // not PEM, encrypted, not RSA, too small
	CodeNotUsed                = "setting_not_used"     // a warning: the setting has no effect with the others
	CodeConflict               = "settings_conflict"    // two settings that cannot go together
	CodeHeaderLine             = "header_line"          // a line of headers or secret_headers that is not Name: value
	CodeJSONPath               = "json_path"            // a path with an empty key
	CodeNestedPath             = "nested_path_not_supported"
	CodeOutOfRange             = "out_of_range"

	// Ping; DoRequest adds authentication_failed to an answer of auth_fail_status.
	CodeAuthenticationFailed = "authentication_failed"
	CodeTestFailed           = "test_failed" // the answer's ping_fail_path or ping_success_path says so
	CodeThrottled            = "throttled"
	CodeTestPathNotFound     = "test_path_not_found"
	CodeUnexpectedStatus     = "unexpected_status"
)
