// Package twitterads is the Twitter Ads (X Ads API) connector: its setting
// schema, local validation of those settings, the connection test (Ping),
// the X Ads API's conventions for the signed-HTTP engine
// (plugin/httpconn), which sends its requests (DoRequest), and its paging
// and async reports as the host's flows learn them.
//
// It implements shared.Connector, shared.Describer and shared.Reporter,
// and is served as a plugin by plugin/cmd/integrator-connector-twitter-ads.
// It never imports host code; the host reaches it only through the plugin
// contract. What holds for every
// request (refusals before sending, signing each attempt, retries, waits,
// streaming, error diagnostics) is the engine's and documented there.
//
// # The X Ads API's conventions
//
//   - Requests are signed with OAuth 1.0a, HMAC-SHA1 (plugin/oauth1), in
//     the Authorization header.
//   - A path whose first segment is not all digits gets the API version in
//     front ("accounts" and "/accounts" become "/12/accounts",
//     "/11/accounts" stays).
//   - Besides the base URI's origin, absolute URLs may name a report
//     download host, fetched with GET or HEAD and without credentials:
//     https://ton.twimg.com (port 443), where the API puts async report
//     files; or any loopback address, when the base URI is itself
//     loopback (a local simulator, whose download host listens on another
//     port).
//   - Rate limits: the per-account budget (x-account-rate-limit-*) before
//     the per-user one (x-rate-limit-*); 429 waits for the reset of the
//     spent budget, 503 for retry-after.
//   - Errors are the answer's "errors" array of code, message and
//     parameter; codes such as UNAUTHORIZED_ACCESS get a summary and a
//     hint (profile.go).
//
// # The HTTP view and the conversion to http (httpview.go)
//
// The spec's HTTP view holds the settings of the universal OAuth 1.0 HTTP
// connector (type http) under that connector's keys: base_uri and
// api_version editable; signature_method, oauth_params_in, body_hash, the
// paging settings, rate_limit_status and retry_after_header fixed at what
// this connector does (schema.Field.Fixed; a test holds each to the code).
// The spec declares its conversion to http (schema.Conversion): the base
// URI takes the version ("{base_uri}/{api_version}"), the credentials and
// the fixed settings carry over, the connection test and error path are
// given; its notes say what an http connection does differently.
//
// # Paging and async reports (reports.go, reportrows.go)
//
// Describe tells the host's flows how lists page (the cursor parameter,
// "data", "next_cursor", "total_count" asked for with
// with_total_count=true) and what one stats job may cover (90 days, 45
// when segmented, 20 ids; 100 jobs processing; 200 job ids per poll). The
// report calls send one request each and leave retries and waits to the
// host: CreateReportJob is POST stats/jobs/accounts/<account>,
// PollReportJobs GET stats/jobs/accounts/<account>?job_ids=..., and
// FetchReportJob downloads the job's file (gzip or plain JSON) and streams
// it as JSON Lines, a row per entity, segment and job window.
//
// # The connection test
//
// Ping sends GET /<version>/accounts/<account_id>, or GET
// /<version>/accounts?count=1 without an account id, and retries only
// answers that ask to come back later, 429 and 503, at most PingAttempts
// requests within PingTimeout; it logs each wait as a warning so that the
// host shows it. A network error or another 5xx fails the test at once.
// The answer becomes a result that says what to fix (codes.go).
package twitterads
