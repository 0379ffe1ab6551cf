package httpoauth1

import "github.com/openintegrator/integrator/schema"

// Version is the connector's version, set at build time with
// -ldflags "-X github.com/openintegrator/integrator/plugin/httpoauth1.Version=...".
var Version = "0.1.0-dev"

// TypeID is the connector type id; scripts depend on it.
const TypeID = "http"

// Setting keys; scripts depend on them.
const (
	KeyBaseURI, KeyMediaType, KeyHeaders, KeySecretHeaders = "base_uri", "media_type", "headers", "secret_headers"

	KeySignatureMethod, KeyConsumerKey, KeyConsumerSecret = "signature_method", "consumer_key", "consumer_secret"
	KeyAccessToken, KeyTokenSecret, KeyPrivateKey         = "access_token", "token_secret", "private_key"
	KeyRealm, KeyOAuthParamsIn, KeyBodyHash               = "realm", "oauth_params_in", "body_hash"

	KeyPingMethod, KeyPingPath, KeyPingBody                           = "ping_method", "ping_path", "ping_body"
	KeyPingSuccessPath, KeyPingSuccessValues                          = "ping_success_path", "ping_success_values"
	KeyPingFailPath, KeyPingFailValues, KeyPingErrorPath              = "ping_fail_path", "ping_fail_values", "ping_error_path"
	KeyPaging, KeyRecordsPath, KeyCursorParam, KeyNextCursorPath      = "paging", "records_path", "cursor_param", "next_cursor_path"
	KeyNextURLPath, KeyPageParam, KeyPageSizeParam, KeyTotalPath      = "next_url_path", "page_param", "page_size_param", "total_path"
	KeyRateLimitStatus, KeyRetryAfterHeader, KeyResetHeader           = "rate_limit_status", "retry_after_header", "rate_limit_reset_header"
	KeyRemainingHeader, KeyAuthFailStatus, KeyConcurrency, KeyTimeout = "rate_limit_remaining_header", "auth_fail_status", "concurrency", "timeout"
)

// Options of the enum settings.
var (
	mediaTypes       = []string{"json", "urlencoded", "xml", "plaintext"}
	signatureMethods = []string{"HMAC-SHA1", "HMAC-SHA256", "HMAC-SHA512", "RSA-SHA1", "RSA-SHA256", "RSA-SHA512", "PLAINTEXT"}
	placements       = []string{"header", "query", "body"}
	pingMethods      = []string{"GET", "POST", "PUT"}
	pagingStyles     = []string{"none", "cursor", "next_url", "page", "link_header"}
)

// The form's sections, in order. Until the schema has sections, each
// field's help starts with its section's name; conditions ("shown when")
// are written in the help and enforced by validate.
const (
	secApp, secOAuth, secTest = "Application", "OAuth 1.0", "How to test this connection"
	secPaging, secLimits      = "Paging and records", "Limits"
)

const (
	secretNote = " Encrypted when the connection is saved, never shown again, re-entered on every edit."
	forSecrets = " Shown, and required, when signature_method is HMAC-SHA1, HMAC-SHA256, HMAC-SHA512 or PLAINTEXT."
	oneField   = " A top-level field of the answer, such as data: the export reads top-level fields only."
)

// Spec returns the connector's setting schema.
func Spec() schema.Spec {
	s, o, t := schema.ViewSimple, schema.ViewHTTP, schema.KindString
	return schema.Spec{
		Type: TypeID, Name: "HTTP (OAuth 1.0)", Version: Version,
		Description: "Any HTTP API that takes OAuth 1.0 credentials (HMAC, RSA or PLAINTEXT signatures), configured entirely by its settings: where it is, how to sign, how to test it, how its lists page and how it limits requests.",
		Fields: []schema.Field{
			f(secApp, schema.Field{Key: KeyBaseURI, Label: "Base URI", Kind: schema.KindURL, Required: true, View: s,
				Help: "Where the API is served, such as https://api.example.com/v1; request paths are relative to it. https only (plain http only for loopback addresses, for local testing)."}),
			f(secApp, schema.Field{Key: KeyMediaType, Label: "Media type", Kind: schema.KindEnum, Options: mediaTypes, Default: "json", View: o,
				Help: "The Content-Type of request bodies sent without one, and the Accept header (urlencoded sends none): json, urlencoded (form bodies, whose parameters are signed), xml or plaintext."}),
			f(secApp, schema.Field{Key: KeyHeaders, Label: "Headers", Kind: schema.KindText, View: o,
				Help: "Headers sent with every request, one `Name: value` per line, such as `X-Client: integrator`. A request's own header of the same name wins. Put values that are secret in secret_headers."}),
			f(secApp, schema.Field{Key: KeySecretHeaders, Label: "Secret headers", Kind: schema.KindText, Secret: true, View: o,
				Help: "Headers whose values are secret (an API key), one `Name: value` per line, sent with every request." + secretNote}),
			f(secOAuth, schema.Field{Key: KeySignatureMethod, Label: "Signature method", Kind: schema.KindEnum, Options: signatureMethods, Required: true, View: s,
				Help: "How requests are signed: HMAC-SHA1 (most APIs), HMAC-SHA256, HMAC-SHA512 and PLAINTEXT use the consumer and token secrets; RSA-SHA1, RSA-SHA256 and RSA-SHA512 use private_key."}),
			f(secOAuth, schema.Field{Key: KeyConsumerKey, Label: "Consumer key", Kind: t, Required: true, View: s,
				Help: "The client's key (oauth_consumer_key), as the API's developer console shows it."}),
			f(secOAuth, schema.Field{Key: KeyConsumerSecret, Label: "Consumer secret", Kind: t, Secret: true, View: s,
				Help: "The client's shared secret." + forSecrets + secretNote}),
			f(secOAuth, schema.Field{Key: KeyAccessToken, Label: "Access token", Kind: t, Secret: true, View: s,
				Help: "The long-lived token of the user or installation (oauth_token). Leave it empty for APIs that sign with the consumer credentials alone (two-legged OAuth)." + secretNote}),
			f(secOAuth, schema.Field{Key: KeyTokenSecret, Label: "Token secret", Kind: t, Secret: true, View: s,
				Help: "The access token's secret; required with an access token." + forSecrets + secretNote}),
			f(secOAuth, schema.Field{Key: KeyPrivateKey, Label: "Private key", Kind: schema.KindText, Secret: true, View: s,
				Help: "The client's RSA private key, PEM (-----BEGIN RSA PRIVATE KEY----- or -----BEGIN PRIVATE KEY-----, not encrypted), whose public key is registered with the API. Shown, and required, when signature_method is RSA-SHA1, RSA-SHA256 or RSA-SHA512." + secretNote}),
			f(secOAuth, schema.Field{Key: KeyRealm, Label: "Realm", Kind: t, View: o,
				Help: "The realm sent in the Authorization header, if the API asks for one (never signed). Only with oauth_params_in header."}),
			f(secOAuth, schema.Field{Key: KeyOAuthParamsIn, Label: "OAuth parameters in", Kind: schema.KindEnum, Options: placements, Default: "header", View: o,
				Help: "Where the oauth_* parameters go: the Authorization header (most APIs), the query string, or a form body (needs media_type urlencoded; requests without a body cannot be signed so)."}),
			f(secOAuth, schema.Field{Key: KeyBodyHash, Label: "Body hash", Kind: schema.KindBool, Default: "false", View: o,
				Help: "Send oauth_body_hash, which covers bodies that are not form-encoded (JSON, XML), if the API asks for it."}),
			f(secTest, schema.Field{Key: KeyPingMethod, Label: "Test method", Kind: schema.KindEnum, Options: pingMethods, Default: "GET", View: o,
				Help: "The method of the request that tests the connection."}),
			f(secTest, schema.Field{Key: KeyPingPath, Label: "Test path", Kind: t, Required: true, View: s,
				Help: "A path, relative to the base URI, that needs valid credentials and changes nothing, such as me or accounts."}),
			f(secTest, schema.Field{Key: KeyPingBody, Label: "Test body", Kind: schema.KindText, View: o,
				Help: "The body of the test request (POST and PUT only), sent as media_type says."}),
			f(secTest, schema.Field{Key: KeyPingSuccessPath, Label: "Success path", Kind: t, View: o,
				Help: "A JSON path (keys joined by dots, such as status or result.ok) whose value, with ping_success_values, means success. Unset: any 2xx answer is success."}),
			f(secTest, schema.Field{Key: KeyPingSuccessValues, Label: "Success values", Kind: t, View: o,
				Help: "The values at ping_success_path that mean success, separated by commas, such as true or ok,active."}),
			f(secTest, schema.Field{Key: KeyPingFailPath, Label: "Failure path", Kind: t, View: o,
				Help: "A JSON path whose value, with ping_fail_values, means failure even in a 2xx answer, such as ok."}),
			f(secTest, schema.Field{Key: KeyPingFailValues, Label: "Failure values", Kind: t, View: o,
				Help: "The values at ping_fail_path that mean failure, separated by commas, such as false or error,suspended."}),
			f(secTest, schema.Field{Key: KeyPingErrorPath, Label: "Error message path", Kind: t, View: o,
				Help: "The JSON path of the API's error message, such as error.message, errors.message (a list of errors) or message; shown to the user for failed tests and requests."}),
			f(secPaging, schema.Field{Key: KeyPaging, Label: "Paging", Kind: schema.KindEnum, Options: pagingStyles, Default: "none", View: o,
				Help: "How lists hand out pages, for export: none (one answer), cursor (cursor_param, next_cursor_path), next_url (next_url_path), page (page_param) or link_header (a Link header with rel=\"next\")."}),
			f(secPaging, schema.Field{Key: KeyRecordsPath, Label: "Records path", Kind: t, View: o,
				Help: "Where a page's records are." + oneField + " Unset: export asks for --records."}),
			f(secPaging, schema.Field{Key: KeyCursorParam, Label: "Cursor parameter", Kind: t, View: o,
				Help: "The query parameter that carries the cursor, such as cursor. Required with paging cursor."}),
			f(secPaging, schema.Field{Key: KeyNextCursorPath, Label: "Next cursor path", Kind: t, View: o,
				Help: "Where the next page's cursor is (null or absent on the last page). Required with paging cursor." + oneField}),
			f(secPaging, schema.Field{Key: KeyNextURLPath, Label: "Next URL path", Kind: t, View: o,
				Help: "Where the next page's URL is. Required with paging next_url." + oneField}),
			f(secPaging, schema.Field{Key: KeyPageParam, Label: "Page parameter", Kind: t, View: o,
				Help: "The query parameter of the page number, from 1, such as page. Required with paging page."}),
			f(secPaging, schema.Field{Key: KeyPageSizeParam, Label: "Page size parameter", Kind: t, View: o,
				Help: "The query parameter of the page size, such as per_page; with paging page, a page shorter than the size asked for is the last."}),
			f(secPaging, schema.Field{Key: KeyTotalPath, Label: "Total path", Kind: t, View: o,
				Help: "Where the whole list's count is, if the API gives it; the export shows progress with it." + oneField}),
			f(secLimits, schema.Field{Key: KeyRateLimitStatus, Label: "Rate limit status", Kind: schema.KindInt, Default: "429", View: o,
				Help: "The status of an answer that means a spent budget; such a request is sent again after the reset."}),
			f(secLimits, schema.Field{Key: KeyRetryAfterHeader, Label: "Retry-After header", Kind: t, Default: "Retry-After", View: o,
				Help: "The header that asks for a wait, in seconds or as an HTTP date."}),
			f(secLimits, schema.Field{Key: KeyResetHeader, Label: "Rate limit reset header", Kind: t, View: o,
				Help: "The header with the budget's reset as a Unix time in seconds, such as X-RateLimit-Reset. A header that counts seconds from now belongs in retry_after_header."}),
			f(secLimits, schema.Field{Key: KeyRemainingHeader, Label: "Rate limit remaining header", Kind: t, View: o,
				Help: "The header with the requests left in the budget, such as X-RateLimit-Remaining."}),
			f(secLimits, schema.Field{Key: KeyAuthFailStatus, Label: "Authentication failure status", Kind: schema.KindInt, Default: "401", View: o,
				Help: "The status of an answer that means the credentials were refused."}),
			f(secLimits, schema.Field{Key: KeyConcurrency, Label: "Concurrency", Kind: schema.KindInt, Default: "4", View: o,
				Help: "Requests in flight at once through this connection, 1 to 25; more wait their turn."}),
			f(secLimits, schema.Field{Key: KeyTimeout, Label: "Timeout", Kind: schema.KindInt, Default: "60", View: o,
				Help: "Seconds a request may take until its answer begins, waits for rate limits included, 1 to 3600, unless the request sets its own."}),
		},
	}
}

// f puts the field in section sec (its help begins with the name).
func f(sec string, fd schema.Field) schema.Field {
	fd.Help = sec + ": " + fd.Help
	return fd
}
