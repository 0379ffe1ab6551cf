package twitterads

import "github.com/openintegrator/integrator/schema"

// The settings of the HTTP view that the universal OAuth 1.0 HTTP
// connector (type http) lets a user choose and the X Ads API fixes. Their
// keys are that connector's: a user sees one HTTP view, and a connection
// converts to an http one setting by setting (toHTTP).
const (
	KeySignatureMethod = "signature_method"
	KeyOAuthParamsIn   = "oauth_params_in"
	KeyBodyHash        = "body_hash"
	KeyPaging          = "paging"
	KeyRecordsPath     = "records_path"
	KeyCursorParam     = "cursor_param"
	KeyNextCursorPath  = "next_cursor_path"
	KeyTotalPath       = "total_path"
	KeyRateLimitStatus = "rate_limit_status"
	KeyRetryAfter      = "retry_after_header"
)

// httpView returns the fixed settings of the HTTP view: what this
// connector always does, as the http connector's settings say it. Each
// value is what the code does (TestHTTPViewIsWhatTheConnectorDoes): the
// signer's method and placement, Describe's paging, the engine's rate
// limit status and Retry-After header.
func httpView() []schema.Field {
	fixed := func(key, label string, kind schema.Kind, value, help string) schema.Field {
		f := schema.Field{Key: key, Label: label, Kind: kind, Default: value, Fixed: true, View: schema.ViewHTTP, Help: help}
		if kind == schema.KindEnum {
			f.Options = []string{value}
		}
		return f
	}
	str, enum := schema.KindString, schema.KindEnum
	return []schema.Field{
		fixed(KeySignatureMethod, "Signature method", enum, "HMAC-SHA1", "How requests are signed: the Ads API takes OAuth 1.0a signatures with HMAC-SHA1."),
		fixed(KeyOAuthParamsIn, "OAuth parameters in", enum, "header", "Where the oauth_* parameters go: the Authorization header."),
		fixed(KeyBodyHash, "Body hash", schema.KindBool, "false", "The Ads API does not use oauth_body_hash."),
		fixed(KeyPaging, "Paging", enum, "cursor", "How lists hand out pages, for export: a cursor (cursor_param, next_cursor_path)."),
		fixed(KeyRecordsPath, "Records path", str, "data", "Where a page's records are: the data field of the answer."),
		fixed(KeyCursorParam, "Cursor parameter", str, "cursor", "The query parameter that carries the cursor."),
		fixed(KeyNextCursorPath, "Next cursor path", str, "next_cursor", "Where the next page's cursor is (null on the last page)."),
		fixed(KeyTotalPath, "Total path", str, "total_count", "Where the list's count is; an export asks for it on its first page (with_total_count=true)."),
		fixed(KeyRateLimitStatus, "Rate limit status", schema.KindInt, "429", "The status of an answer that means a spent budget; the request is sent again after the reset in the x-account-rate-limit-* or x-rate-limit-* headers."),
		fixed(KeyRetryAfter, "Retry-After header", str, "Retry-After", "The header that asks for a wait (with a 503)."),
	}
}

// toHTTP turns a Twitter Ads connection into a connection of the
// universal OAuth 1.0 HTTP connector that sends the same requests: the
// base URI takes the API version (that connector has no version prefix),
// the credentials and the fixed settings carry over, and the connection
// test and error messages are said in its terms.
var toHTTP = schema.Conversion{
	To: "http",
	Settings: []schema.Mapping{
		{Key: "base_uri", Template: "{" + KeyBaseURI + "}/{" + KeyAPIVersion + "}"},
		{Key: "signature_method", From: KeySignatureMethod},
		{Key: "consumer_key", From: KeyConsumerKey},
		{Key: "consumer_secret", From: KeyConsumerSecret},
		{Key: "access_token", From: KeyAccessToken},
		{Key: "token_secret", From: KeyTokenSecret},
		{Key: "oauth_params_in", From: KeyOAuthParamsIn},
		{Key: "body_hash", From: KeyBodyHash},
		{Key: "ping_path", Value: "accounts"},
		{Key: "ping_error_path", Value: "errors.message"},
		{Key: "paging", From: KeyPaging},
		{Key: "records_path", From: KeyRecordsPath},
		{Key: "cursor_param", From: KeyCursorParam},
		{Key: "next_cursor_path", From: KeyNextCursorPath},
		{Key: "total_path", From: KeyTotalPath},
		{Key: "rate_limit_status", From: KeyRateLimitStatus},
		{Key: "retry_after_header", From: KeyRetryAfter},
		{Key: "rate_limit_remaining_header", Value: "x-rate-limit-remaining"},
		{Key: "rate_limit_reset_header", Value: "x-rate-limit-reset"},
	},
	Notes: []string{
		"Every path is relative to base_uri, which ends with the API version: a path that starts with another version (11/accounts) is no longer sent to that version.",
		"Async reports (integrator report) and downloads from " + DownloadHost + " stay with Twitter Ads: an http connection has neither.",
		"The connection test lists the ads accounts (GET accounts): it no longer checks access to account_id, which is left behind.",
		"Rate limits are read from the user's x-rate-limit-* headers; the account's x-account-rate-limit-* headers are not read.",
		"An export no longer asks for the list's total (with_total_count=true) unless given with -F; the records are the same.",
		"Errors show the API's message without the hints Twitter Ads adds to its codes (such as UNAUTHORIZED_CLIENT_APPLICATION).",
		"At most 4 requests are in flight at once through the connection (its concurrency setting).",
	},
}
