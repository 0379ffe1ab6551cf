// Package oauthtestapi is a small OAuth 1.0 API for testing the universal
// http connector (plugin/httpoauth1) on what the X Ads API simulator
// (plugin/twitteradssim) does not do, with an API shaped like
// net/http/httptest:
//
//	api := oauthtestapi.NewServer()
//	defer api.Close()
//	// base URI api.URL + "/v1", credentials api.Credentials
//
// It verifies every /v1 request with oauth1.VerifyKeys: HMAC-SHA1/256/512
// and PLAINTEXT with the consumer and token secrets, RSA-SHA1/256/512
// with the public key of a second consumer key, the parameters in the
// header, the query or a form body, oauth_body_hash when sent, a
// timestamp within 5 minutes and no nonce twice; and it requires the
// X-Api-Key header (a secret entry of the connector's headers). It
// answers 401 with {"error":{"message":...}} otherwise.
//
// Endpoints (all under /v1, all signed):
//
//   - GET me: {"ok":true,...}, and what was verified (method, placement,
//     realm, body hash); POST and PUT echo the same.
//   - GET suspended: a 200 whose body means failure:
//     {"ok":false,"error":{"message":"this account is suspended"}}.
//   - GET items/cursor (cursor, count: {"items":[...],"next_cursor":...,
//     "total":N}), items/next (offset, count: {"results":[...],"next":URL}),
//     items/pages (page from 1, per_page: {"data":[...]}), items/link
//     (offset, count: {"records":[...]} and a Link header rel="next"),
//     items/links (as items/link, but each link in a Link field of its
//     own, the next URL with commas in its query, rel="prefetch next",
//     and a title holding a comma, a semicolon and rel=next), and
//     items/limited, paged as items/next but with a budget of requests:
//     once it is spent, the answer is 420 with X-Calls-Left: 0
//     and X-Calls-Reset (a Unix time, 1 to 2 s ahead), and the budget is
//     refilled once that time has passed.
//   - POST items: creates an item from a JSON or form body, 201
//     {"data":{"id":...}}.
//   - GET slow?ms=N: answers after N ms; the server keeps the largest
//     number of requests it held at once.
//
// Outside /v1, unsigned: GET /_test/requests lists the signed requests
// received (method, URL, headers, body) for tests that verify signatures
// independently; GET /_test/counts the counters. The binary
// plugin/cmd/oauth-test-api serves it as a process. It speaks plain HTTP
// on loopback and is for tests only: its credentials are printed.
package oauthtestapi
