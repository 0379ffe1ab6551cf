// Package twitteradssim is a simulator of the X (Twitter) Ads API for
// tests, benchmarks and demos, with an API shaped like net/http/httptest:
//
//	srv := twitteradssim.NewServer(twitteradssim.WithCampaigns(2345))
//	defer srv.Close()
//	// sign requests with srv.Credentials and send them to srv.URL + "/12/..."
//
// It behaves like the real API as far as the integrator touches it:
// strict OAuth 1.0a verification (HMAC-SHA1, timestamps within 5 minutes,
// no nonce twice); accounts, campaigns, line items, promoted tweets and
// funding instruments with cursor paging; creates, updates and deletes
// with parameters in the query or a form body; the batch JSON endpoints;
// rate-limit headers and 429s; sync stats; async stats jobs whose gzip
// result lives on a second listener standing for the download host
// (DownloadURL); and switchable faults (429, 500, 503, connection resets
// before or after processing, slow answers, a next_cursor that points
// back, a name that is not valid UTF-8) with counters to check what the
// server saw (Counts, or GET /<v>/sim/counts from another process).
//
// Seeded data is computed from (seed, index) when read and never stored:
// only writes are kept, in an overlay, so an account can hold a million
// campaigns at no memory cost. Ids are base-36 strings that encode the
// entity's kind, account and position; every tenth seeded entity is
// deleted.
//
// It is not the real API: only the endpoints and parameters listed in
// the routes exist, targeting, creatives, audiences and most list filters
// are absent, and every credential may use every account. It speaks plain
// HTTP on loopback.
package twitteradssim
