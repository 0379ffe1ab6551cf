package httpoauth1

import (
	"slices"
	"sync"

	"github.com/openintegrator/integrator/schema"
)

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

// options are the values of the enum settings.
var options = map[string][]string{
	KeyMediaType:       {"json", "urlencoded", "xml", "plaintext"},
	KeySignatureMethod: {"HMAC-SHA1", "HMAC-SHA256", "HMAC-SHA512", "RSA-SHA1", "RSA-SHA256", "RSA-SHA512", "PLAINTEXT"},
	KeyOAuthParamsIn:   {"header", "query", "body"},
	KeyPingMethod:      {"GET", "POST", "PUT"},
	KeyPaging:          {"none", "cursor", "next_url", "page", "link_header"},
}

// The form's sections, in order. Until the schema has sections, each
// field's help starts with its section's name; conditions ("shown when")
// are written in the help and enforced by validate.
const (
	secApp, secOAuth, secTest = "Application", "OAuth 1.0", "How to test this connection"
	secPaging, secLimits      = "Paging and records", "Limits"
)

const (
	secretNote = " Encrypted when the connection is saved, never shown again, re-entered on every edit."
	forSecrets = " Shown when signature_method is HMAC-SHA1, HMAC-SHA256, HMAC-SHA512 or PLAINTEXT; required then"
	oneField   = " A top-level field of the answer, such as data: the export reads top-level fields only."
)

// Flags of a field.
const (
	required = 1 << iota
	secret
	simple // in the simple view; the others are in the HTTP view
)

// Spec returns the connector's setting schema.
func Spec() schema.Spec {
	s := spec()
	s.Fields = slices.Clone(s.Fields)
	return s
}

// spec is built once: validation runs on every call.
var spec = sync.OnceValue(func() schema.Spec {
	str, text, num := schema.KindString, schema.KindText, schema.KindInt
	return schema.Spec{
		Type: TypeID, Name: "HTTP (OAuth 1.0)", Version: Version,
		Description: "Any HTTP API that takes OAuth 1.0 credentials (HMAC, RSA or PLAINTEXT signatures), configured entirely by its settings: where it is, how to sign, how to test it, how its lists page and how it limits requests.",
		Fields: []schema.Field{
			fd(secApp, KeyBaseURI, "Base URI", schema.KindURL, required|simple, "", "Where the API is served, such as https://api.example.com/v1; request paths are relative to it. https only (plain http only for loopback addresses, for local testing)."),
			fd(secApp, KeyMediaType, "Media type", schema.KindEnum, 0, "json", "The Content-Type of request bodies sent without one, and the Accept header (urlencoded sends none): json, urlencoded (form bodies, whose parameters are signed), xml or plaintext."),
			fd(secApp, KeyHeaders, "Headers", text, 0, "", "Headers sent with every request, one `Name: value` per line, such as `X-Client: integrator`. A request's own header of the same name wins. Put values that are secret in secret_headers."),
			fd(secApp, KeySecretHeaders, "Secret headers", text, secret, "", "Headers whose values are secret (an API key), one `Name: value` per line, sent with every request."+secretNote),
			fd(secOAuth, KeySignatureMethod, "Signature method", schema.KindEnum, required|simple, "", "How requests are signed: HMAC-SHA1 (most APIs), HMAC-SHA256, HMAC-SHA512 and PLAINTEXT use the consumer and token secrets; RSA-SHA1, RSA-SHA256 and RSA-SHA512 use private_key."),
			fd(secOAuth, KeyConsumerKey, "Consumer key", str, required|simple, "", "The client's key (oauth_consumer_key), as the API's developer console shows it."),
			fd(secOAuth, KeyConsumerSecret, "Consumer secret", str, secret|simple, "", "The client's shared secret."+forSecrets+"."+secretNote),
			fd(secOAuth, KeyAccessToken, "Access token", str, secret|simple, "", "The long-lived token of the user or installation (oauth_token). Leave it empty for APIs that sign with the consumer credentials alone (two-legged OAuth)."+secretNote),
			fd(secOAuth, KeyTokenSecret, "Token secret", str, secret|simple, "", "The access token's secret."+forSecrets+" with an access token."+secretNote),
			fd(secOAuth, KeyPrivateKey, "Private key", text, secret|simple, "", "The client's RSA private key in PEM (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----, not encrypted), whose public key the API knows. Shown, and required, when signature_method is RSA-SHA1, RSA-SHA256 or RSA-SHA512."+secretNote),
			fd(secOAuth, KeyRealm, "Realm", str, 0, "", "The realm sent in the Authorization header, if the API asks for one (never signed). Only with oauth_params_in header."),
			fd(secOAuth, KeyOAuthParamsIn, "OAuth parameters in", schema.KindEnum, 0, "header", "Where the oauth_* parameters go: the Authorization header (most APIs), the query string, or a form body (needs media_type urlencoded; requests without a body cannot be signed so)."),
			fd(secOAuth, KeyBodyHash, "Body hash", schema.KindBool, 0, "false", "Send oauth_body_hash, which covers bodies that are not form-encoded (JSON, XML), if the API asks for it."),
			fd(secTest, KeyPingMethod, "Test method", schema.KindEnum, 0, "GET", "The method of the request that tests the connection."),
			fd(secTest, KeyPingPath, "Test path", str, required|simple, "", "A path, relative to the base URI, that needs valid credentials and changes nothing, such as me or accounts."),
			fd(secTest, KeyPingBody, "Test body", text, 0, "", "The body of the test request (POST and PUT only), sent as media_type says."),
			fd(secTest, KeyPingSuccessPath, "Success path", str, 0, "", "A JSON path (keys joined by dots, such as status or result.ok) whose value, with ping_success_values, means success. Unset: any 2xx answer is success."),
			fd(secTest, KeyPingSuccessValues, "Success values", str, 0, "", "The values at ping_success_path that mean success, separated by commas, such as true or ok,active."),
			fd(secTest, KeyPingFailPath, "Failure path", str, 0, "", "A JSON path whose value, with ping_fail_values, means failure even in a 2xx answer, such as ok."),
			fd(secTest, KeyPingFailValues, "Failure values", str, 0, "", "The values at ping_fail_path that mean failure, separated by commas, such as false or error,suspended."),
			fd(secTest, KeyPingErrorPath, "Error message path", str, 0, "", "The JSON path of the API's error message, such as error.message, errors.message (a list of errors) or message; shown for failed tests and requests."),
			fd(secPaging, KeyPaging, "Paging", schema.KindEnum, 0, "none", "How lists hand out pages, for export: none (one answer), cursor (cursor_param, next_cursor_path), next_url (next_url_path), page (page_param) or link_header (a Link header with rel=\"next\")."),
			fd(secPaging, KeyRecordsPath, "Records path", str, 0, "", "Where a page's records are."+oneField+" Unset: export asks for --records."),
			fd(secPaging, KeyCursorParam, "Cursor parameter", str, 0, "", "The query parameter that carries the cursor, such as cursor. Required with paging cursor."),
			fd(secPaging, KeyNextCursorPath, "Next cursor path", str, 0, "", "Where the next page's cursor is (null or absent on the last page). Required with paging cursor."+oneField),
			fd(secPaging, KeyNextURLPath, "Next URL path", str, 0, "", "Where the next page's URL is. Required with paging next_url."+oneField),
			fd(secPaging, KeyPageParam, "Page parameter", str, 0, "", "The query parameter of the page number, from 1, such as page. Required with paging page."),
			fd(secPaging, KeyPageSizeParam, "Page size parameter", str, 0, "", "The query parameter of the page size, such as per_page; with paging page, a page shorter than the size asked for is the last."),
			fd(secPaging, KeyTotalPath, "Total path", str, 0, "", "Where the whole list's count is, if the API gives it; the export shows progress with it."+oneField),
			fd(secLimits, KeyRateLimitStatus, "Rate limit status", num, 0, "429", "The status of an answer that means a spent budget; such a request is sent again after the reset."),
			fd(secLimits, KeyRetryAfterHeader, "Retry-After header", str, 0, "Retry-After", "The header that asks for a wait, in seconds or as an HTTP date."),
			fd(secLimits, KeyResetHeader, "Rate limit reset header", str, 0, "", "The header with the budget's reset as a Unix time in seconds, such as X-RateLimit-Reset. A header that counts seconds from now belongs in retry_after_header."),
			fd(secLimits, KeyRemainingHeader, "Rate limit remaining header", str, 0, "", "The header with the requests left in the budget, such as X-RateLimit-Remaining."),
			fd(secLimits, KeyAuthFailStatus, "Authentication failure status", num, 0, "401", "The status of an answer that means the credentials were refused."),
			fd(secLimits, KeyConcurrency, "Concurrency", num, 0, "4", "Requests in flight at once through this connection, 1 to 25; more wait their turn."),
			fd(secLimits, KeyTimeout, "Timeout", num, 0, "60", "Seconds a request may take until its answer begins, waits for rate limits included, 1 to 3600, unless the request sets its own."),
		},
	}
})

// fd makes a field of section sec (its help begins with the name).
func fd(sec, key, label string, kind schema.Kind, flags int, def, help string) schema.Field {
	f := schema.Field{Key: key, Label: label, Kind: kind, Required: flags&required != 0, Secret: flags&secret != 0,
		Default: def, Options: options[key], View: schema.ViewHTTP, Help: sec + ": " + help}
	if flags&simple != 0 {
		f.View = schema.ViewSimple
	}
	return f
}
