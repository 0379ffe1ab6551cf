// Package httpoauth1 is the universal OAuth 1.0 HTTP connector (type
// "http", "HTTP (OAuth 1.0)"): a profile over the signed-HTTP engine
// (plugin/httpconn) configured entirely by the connection's settings, for
// any API that takes long-lived OAuth 1.0 credentials and has no
// dedicated connector.
//
// It implements shared.Connector and shared.Describer (no Reporter), and
// is served as a plugin by plugin/cmd/integrator-connector-http. It never
// imports host code. What holds for every request (refusals before
// sending, signing each attempt, retries, waits, streaming, error
// diagnostics) is the engine's; the signing is plugin/oauth1's.
//
// # From settings to the engine
//
//   - base_uri is the connection's origin and path (https; http only for
//     loopback); paths resolve against it, absolute URLs only to its
//     origin. No other host is ever sent to.
//   - The signer is an oauth1.Signer with signature_method, the secrets
//     (HMAC, PLAINTEXT) or private_key (RSA), oauth_params_in, realm and
//     body_hash.
//   - headers, a key/value list whose values may be secret, are sent
//     with every request that does not set the same header; media_type
//     gives bodies without a Content-Type theirs and sets Accept.
//   - rate_limit_status, retry_after_header and the reset and remaining
//     headers are the profile's RateLimits; ping_error_path is where the
//     API's message is (its Errors); timeout is a request's default;
//     concurrency bounds the requests in flight per connection (its base
//     URI, consumer key and access token) in this plugin process.
//   - Describe answers the paging settings. The host's export reads
//     top-level fields only, so Validate refuses a records, next cursor,
//     next URL or total path of more than one key.
//
// # The schema, and what Validate adds
//
// The settings come in five sections (the last two advanced). The schema
// says which settings apply when: consumer_secret and token_secret for
// HMAC and PLAINTEXT, private_key for RSA (each secret required then, but
// token_secret), realm with oauth_params_in header, ping_body for a POST
// or PUT test, and each paging style's own settings; and the ranges of
// the int settings. Validate starts with the schema's validation and adds
// what it cannot express, reporting every problem at once: token_secret
// is required when there is an access token (two-legged OAuth has
// neither), private_key must parse as an RSA PEM key, oauth_params_in
// body needs form bodies and a test that can carry one, headers must be
// headers the engine would send, and paths and header names must be well
// formed.
package httpoauth1
