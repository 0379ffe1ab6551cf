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
	KeyBaseURI, KeyMediaType, KeyHeaders = "base_uri", "media_type", "headers"

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

// The signature methods that sign with the consumer and token secrets,
// and those that sign with the private key.
var (
	secretMethods = []string{"HMAC-SHA1", "HMAC-SHA256", "HMAC-SHA512", "PLAINTEXT"}
	rsaMethods    = []string{"RSA-SHA1", "RSA-SHA256", "RSA-SHA512"}
)

// The form's sections, in order.
var sections = []schema.Section{
	{Key: "application", Title: "Application", Help: "Where the API is, and what every request to it carries."},
	{Key: "oauth", Title: "OAuth 1.0", Help: "How requests are signed, with which credentials, and where the OAuth parameters go."},
	{Key: "test", Title: "How to test this connection", Help: "The request that tests the connection (when it is created, edited or tested), and how to read its answer."},
	{Key: "paging", Title: "Paging and records", Help: "How export follows the API's lists from page to page, and where a page's records are.", Advanced: true},
	{Key: "limits", Title: "Limits", Help: "The API's rate limits and refusals, and how many requests go out at once, for how long.", Advanced: true},
}

const (
	secretNote = " Encrypted when the connection is saved, never shown again, re-entered on every edit."
	oneField   = " A field at the top of the answer: export reads top-level fields only, for now."
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
	s.Sections = slices.Clone(s.Sections)
	s.Fields = slices.Clone(s.Fields)
	return s
}

// spec is built once: validation runs on every call.
var spec = sync.OnceValue(func() schema.Spec {
	str, text, num := schema.KindString, schema.KindText, schema.KindInt
	app, oauth, test, paging, limits := "application", "oauth", "test", "paging", "limits"
	return schema.Spec{
		Type: TypeID, Name: "HTTP (OAuth 1.0)", Version: Version, Sections: sections,
		Description: "Any HTTP API that takes OAuth 1.0 credentials (HMAC, RSA or PLAINTEXT signatures), configured entirely by its settings: where it is, how to sign, how to test it, how its lists page and how it limits requests.",
		Fields: []schema.Field{
			fd(app, KeyBaseURI, "Base URI", schema.KindURL, required|simple, "", "Where the API is served, such as https://api.example.com/v1; request paths are relative to it. https only (plain http only for loopback addresses, for local testing)."),
			fd(app, KeyMediaType, "Media type", schema.KindEnum, 0, "json", "The Content-Type of request bodies sent without one, and the Accept header (urlencoded sends none): json, urlencoded (form bodies, whose parameters are signed), xml or plaintext."),
			fd(app, KeyHeaders, "Headers", schema.KindKeyValues, 0, "", "Headers sent with every request, such as X-Client: integrator; a request's own header of the same name wins. Give a secret value, such as an API key, as a secret entry: it is encrypted when the connection is saved, never shown again, and given again on every edit."),
			fd(oauth, KeySignatureMethod, "Signature method", schema.KindEnum, required|simple, "", "How requests are signed: HMAC-SHA1 (most APIs), HMAC-SHA256, HMAC-SHA512 and PLAINTEXT use the consumer and token secrets; RSA-SHA1, RSA-SHA256 and RSA-SHA512 use private_key."),
			fd(oauth, KeyConsumerKey, "Consumer key", str, required|simple, "", "The client's key (oauth_consumer_key), as the API's developer console shows it."),
			when(fd(oauth, KeyConsumerSecret, "Consumer secret", str, required|secret|simple, "", "The client's shared secret."+secretNote), KeySignatureMethod, secretMethods...),
			fd(oauth, KeyAccessToken, "Access token", str, secret|simple, "", "The long-lived token of the user or installation (oauth_token). Leave it empty for APIs that sign with the consumer credentials alone (two-legged OAuth)."+secretNote),
			when(fd(oauth, KeyTokenSecret, "Token secret", str, secret|simple, "", "The access token's secret; required with an access token, left out without one."+secretNote), KeySignatureMethod, secretMethods...),
			when(fd(oauth, KeyPrivateKey, "Private key", text, required|secret|simple, "", "The client's RSA private key in PEM (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----, not encrypted), whose public key the API knows."+secretNote), KeySignatureMethod, rsaMethods...),
			fd(oauth, KeyOAuthParamsIn, "OAuth parameters in", schema.KindEnum, 0, "header", "Where the oauth_* parameters go: the Authorization header (most APIs), the query string, or a form body (needs media_type urlencoded; requests without a body cannot be signed so)."),
			when(fd(oauth, KeyRealm, "Realm", str, 0, "", "The realm sent in the Authorization header, if the API asks for one (never signed)."), KeyOAuthParamsIn, "header"),
			fd(oauth, KeyBodyHash, "Body hash", schema.KindBool, 0, "false", "Send oauth_body_hash, which covers bodies that are not form-encoded (JSON, XML), if the API asks for it."),
			fd(test, KeyPingMethod, "Test method", schema.KindEnum, 0, "GET", "The method of the request that tests the connection."),
			fd(test, KeyPingPath, "Test path", str, required|simple, "", "A path, relative to the base URI, that needs valid credentials and changes nothing, such as me or accounts."),
			when(fd(test, KeyPingBody, "Test body", text, 0, "", "The body of the test request, sent as media_type says."), KeyPingMethod, "POST", "PUT"),
			fd(test, KeyPingSuccessPath, "Success path", str, 0, "", "A JSON path (keys joined by dots, such as status or result.ok) whose value, with ping_success_values, means success. Unset: any 2xx answer is success."),
			fd(test, KeyPingSuccessValues, "Success values", str, 0, "", "The values at ping_success_path that mean success, separated by commas, such as true or ok,active."),
			fd(test, KeyPingFailPath, "Failure path", str, 0, "", "A JSON path whose value, with ping_fail_values, means failure even in a 2xx answer, such as ok."),
			fd(test, KeyPingFailValues, "Failure values", str, 0, "", "The values at ping_fail_path that mean failure, separated by commas, such as false or error,suspended."),
			fd(test, KeyPingErrorPath, "Error message path", str, 0, "", "The JSON path of the API's error message, such as error.message, errors.message (a list of errors) or message; shown for failed tests and requests."),
			fd(paging, KeyPaging, "Paging", schema.KindEnum, 0, "none", "How lists hand out pages, for export: none (one answer), cursor (a cursor parameter, and the next cursor in the answer), next_url (the next page's URL in the answer), page (page numbers) or link_header (a Link header with rel=\"next\")."),
			fd(paging, KeyRecordsPath, "Records path", str, 0, "", "Where a page's records are, such as data."+oneField+" Unset: export needs --records."),
			when(fd(paging, KeyCursorParam, "Cursor parameter", str, required, "", "The query parameter that carries the cursor, such as cursor."), KeyPaging, "cursor"),
			when(fd(paging, KeyNextCursorPath, "Next cursor path", str, required, "", "Where the next page's cursor is, such as next_cursor (null or absent on the last page)."+oneField), KeyPaging, "cursor"),
			when(fd(paging, KeyNextURLPath, "Next URL path", str, required, "", "Where the next page's URL is, such as next (null or absent on the last page)."+oneField), KeyPaging, "next_url"),
			when(fd(paging, KeyPageParam, "Page parameter", str, required, "", "The query parameter of the page number, from 1, such as page."), KeyPaging, "page"),
			when(fd(paging, KeyPageSizeParam, "Page size parameter", str, 0, "", "The query parameter of the page size, such as per_page: a page shorter than the size asked for is the last."), KeyPaging, "page"),
			fd(paging, KeyTotalPath, "Total path", str, 0, "", "Where the whole list's count is, such as total_count, if the API gives it; the export shows progress with it."+oneField),
			between(fd(limits, KeyRateLimitStatus, "Rate limit status", num, 0, "429", "The status of an answer that means a spent budget; such a request is sent again after the reset."), 400, 599),
			fd(limits, KeyRetryAfterHeader, "Retry-After header", str, 0, "Retry-After", "The header that asks for a wait, in seconds or as an HTTP date."),
			fd(limits, KeyResetHeader, "Rate limit reset header", str, 0, "", "The header with the budget's reset as a Unix time in seconds, such as X-RateLimit-Reset. A header that counts seconds from now belongs in retry_after_header."),
			fd(limits, KeyRemainingHeader, "Rate limit remaining header", str, 0, "", "The header with the requests left in the budget, such as X-RateLimit-Remaining."),
			between(fd(limits, KeyAuthFailStatus, "Authentication failure status", num, 0, "401", "The status of an answer that means the credentials were refused."), 400, 599),
			between(fd(limits, KeyConcurrency, "Concurrency", num, 0, "4", "Requests in flight at once through this connection; more wait their turn."), 1, 25),
			between(fd(limits, KeyTimeout, "Timeout", num, 0, "60", "Seconds a request may take until its answer begins, waits for rate limits included, unless the request sets its own."), 1, 3600),
		},
	}
})

// fd makes a field of section sec.
func fd(sec, key, label string, kind schema.Kind, flags int, def, help string) schema.Field {
	f := schema.Field{Key: key, Label: label, Kind: kind, Required: flags&required != 0, Secret: flags&secret != 0,
		Default: def, Options: options[key], View: schema.ViewHTTP, Section: sec, Help: help}
	if flags&simple != 0 {
		f.View = schema.ViewSimple
	}
	return f
}

// when makes f apply only while the field on has one of values: a form
// shows it then, and a required f is required only then.
func when(f schema.Field, on string, values ...string) schema.Field {
	f.ShowWhen = &schema.Condition{Field: on, Values: values}
	return f
}

// between bounds an int field.
func between(f schema.Field, lo, hi int64) schema.Field {
	f.Min, f.Max = &lo, &hi
	return f
}
