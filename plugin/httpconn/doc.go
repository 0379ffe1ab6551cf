// Package httpconn is the signed-HTTP engine that connectors share: it
// turns a shared.Request into checked, signed HTTP attempts, retries and
// waits as the API asks, and returns a shared.Response whose body streams.
//
// A connector is a profile over it. The connector parses its settings
// into a Conn (a base URI, a path prefix hook, a Signer) and keeps a
// Profile (the other hosts it may send to, its rate-limit headers and
// status codes, where its API puts errors); Engine.Do does the rest. It
// is not for the connector's own knowledge: its setting schema, its
// validation, what its connection test (Ping) asks and what the answer
// means, what its error codes mean (Hints come from the profile). It
// knows no API by name. Engine.Probe sends a connection test's request
// as every Ping does (waits only for answers that ask to come back
// later, each logged; latency and attempts as facts).
//
// # Where requests go
//
// A path resolves against the base URI, through Conn.Prefix when set. An
// absolute URL is sent only when its scheme, host and port are the base
// URI's (it is then signed, its path taken as given), or when a Host of
// the profile allows it: signed when that Host says so, otherwise without
// credentials and only with GET or HEAD.
//
// Everything else is refused before a byte is sent, with a diagnostic:
// other hosts, schemes other than http and https, plain http to a host
// that is not loopback, "." and ".." segments (also percent-encoded),
// control characters (CR, LF, ...) in the path or a header, user info,
// fragments, the Authorization, Host, Content-Length and hop-by-hop
// headers, methods other than GET, HEAD, POST, PUT and DELETE, a body on
// GET or HEAD, and bodies over shared.MaxRequestBody. Redirects are never
// followed (the 3xx is returned with a warning), so credentials cannot
// follow a Location header.
//
// # Signing and retries
//
// Do waits first for one of the connection's places when Conn.Concurrency
// bounds the requests in flight of its Key (the place is held until the
// body is closed).
//
// Every attempt is built afresh and signed anew by the Conn's Signer
// (fresh nonce and timestamp). The request's timeout (default 60 s)
// bounds everything up to the response head, waits included; the body
// then streams until the caller closes it, and fails if no byte arrives
// for BodyIdleTimeout. Within the timeout, the maximum attempts (default
// 5) and the maximum total wait (default 5 min):
//
//   - A rate limit (RateLimits.Statuses, 429 by default), any method (it
//     was not processed): wait until the reset of the spent budget, the
//     budgets read in the profile's order of preference, or Retry-After
//     when later. If the reset is past the deadline or the maximum wait,
//     the answer is returned at once with a rate_limited diagnostic
//     (shared.CodeRateLimited, by which a host knows a rate limit of any
//     status) that says when the budget resets, or when the retry-after
//     header asks to come back if that is later. A host reads
//     Retry-After itself; the wait of a retry-after header of another
//     name moves the head's RateLimit.Reset instead.
//   - RateLimits.Unavailable (503 by default), any method: wait for
//     Retry-After, else back off.
//   - Other 5xx and network errors: GET, HEAD, PUT and DELETE back off
//     exponentially with jitter (250–500 ms, then doubling, at most 30 s).
//   - A POST is retried after a network error only when no connection was
//     made (DNS, refused, TLS): it provably never reached the server.
//     Once sent, a POST that got no answer or a 5xx that is not
//     Unavailable is returned with an outcome_unknown diagnostic: check
//     whether the write happened before sending it again.
//
// net/http itself replays a GET or HEAD, with the same signature, when a
// kept-alive connection broke before the answer; if the API then refuses
// the reused nonce (401), the engine retries, signed anew. It never
// replays a POST that was written. Outgoing.WaitOnly limits the retries
// to rate limits and Unavailable answers, as a connection test wants.
//
// # Errors
//
// The API's errors (APIErrors: where the list is, and the code, message
// and parameter of one error) in an answer of 400 or more with a JSON body
// become diagnostics with the API's code, its message (after the
// profile's Hint for that code), and the parameter as the diagnostic's
// field; at most MaxErrorPeek of the body is read for that, and the
// caller still receives the whole body. Failures without an answer have
// status 0 and a diagnostic naming the host and the cause (codes.go lists
// every code). Logs (debug level) hold the method, host, path, status,
// attempt and waits; never a header, the query, a credential or a
// signature.
package httpconn
