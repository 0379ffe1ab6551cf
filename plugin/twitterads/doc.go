// Package twitterads is the Twitter Ads (X Ads API) connector: its setting
// schema, local validation of those settings, the connection test (Ping) and
// signed API requests (DoRequest).
//
// It implements shared.Connector and is served as a plugin by
// plugin/cmd/integrator-connector-twitter-ads. It never imports host code; the
// host reaches it only through the plugin contract.
//
// # Where requests go
//
// A path resolves against the base URI; a path whose first segment is not
// all digits gets the API version in front ("accounts" and "/accounts"
// become "/12/accounts", "/11/accounts" stays). An absolute URL is sent
// only when its scheme, host and port are the base URI's (it is then
// signed, its path taken as given), or when it is a report download host,
// fetched with GET or HEAD and without credentials:
//
//   - https://ton.twimg.com (port 443), where the API puts async report
//     files; or
//   - any loopback address, when the base URI is itself loopback: a local
//     simulator, whose download host listens on another port.
//
// Everything else is refused before a byte is sent, with a diagnostic:
// other hosts, schemes other than http and https, plain http to a host
// that is not loopback, "." and ".." segments (also percent-encoded),
// control characters (CR, LF, ...) in the path or a header, user info,
// fragments, the Authorization, Host, Content-Length and hop-by-hop
// headers, methods other than GET, HEAD, POST, PUT and DELETE, a body on
// GET or HEAD, and bodies over shared.MaxRequestBody. Redirects are never
// followed (the 3xx is returned with a warning), so credentials cannot
// follow a Location header; the only credential on the wire is the
// Authorization header, never a URL.
//
// # Retries
//
// Every attempt is signed anew (fresh nonce and timestamp). The request's
// timeout (default 60 s) bounds everything up to the response head,
// waits included; the body then streams until the caller closes it, and
// fails if no byte arrives for BodyIdleTimeout. Within the timeout, the
// maximum attempts (default 5) and the maximum total wait (default 5 min):
//
//   - 429, any method (it was not processed): wait until the reset of the
//     spent budget, x-account-rate-limit-reset before x-rate-limit-reset,
//     every time. If the reset is past the deadline or the maximum wait,
//     the 429 is returned at once with a rate_limited diagnostic that says
//     when the budget resets.
//   - 503, any method: wait for retry-after, else back off.
//   - Other 5xx and network errors: GET, HEAD, PUT and DELETE back off
//     exponentially with jitter (250–500 ms, then doubling, at most 30 s).
//   - A POST is retried after a network error only when no connection was
//     made (DNS, refused, TLS): it provably never reached the server.
//     Once sent, a POST that got no answer or a 5xx other than 503 is
//     returned with an outcome_unknown diagnostic: check whether the write
//     happened before sending it again.
//
// net/http itself replays a GET or HEAD, with the same signature, when a
// kept-alive connection breaks before the answer; if the API then refuses
// the reused nonce (401), the connector retries, signed anew. It never
// replays a POST that was written.
//
// The connection test (Ping) retries only answers that ask to come back
// later, 429 and 503, at most PingAttempts requests within PingTimeout,
// and logs each wait as a warning so that the host shows it; a network
// error or another 5xx fails the test at once.
//
// # Errors
//
// API errors (the "errors" array of an answer of 400 or more with a JSON
// body) become diagnostics with the API's code (UNAUTHORIZED_ACCESS,
// INVALID_PARAMETER, ...), its message, and the parameter it names as the
// diagnostic's field; at most 1 MiB of the body is read for that, and the
// caller still receives the whole body. Failures without an answer have
// status 0 and a diagnostic naming the host and the cause (codes.go lists
// every code). Logs (debug level; a connection test's waits at warning
// level) hold the method, host, path, status, attempt and waits; never a
// header, a credential, a nonce or a signature.
package twitterads
