// Package flows moves data through a connection: exports that page
// through a list endpoint into JSON Lines, imports that send one request
// (or one batch) per input record, and async analytics reports.
//
// Each flow is written so that a crash at any moment costs nothing but
// time:
//
//   - An export writes whole pages to OUT.part, syncs the file, then
//     checkpoints the byte offset and the next cursor in the store
//     (export_runs). Resuming truncates OUT.part to the checkpointed offset
//     and asks for the checkpointed cursor again, so every record lands
//     exactly once; the last step renames OUT.part to OUT. A page is
//     synced and checkpointed while the next one is fetched, checkpoints
//     still in order. Records are split out of each answer in one pass
//     (jsonscan.go), without decoding them, and keep their bytes, invalid
//     UTF-8 included (counted in the summary, not repaired). Only what can
//     succeed later is asked for again: an answer that cannot change (a
//     4xx, a path that is no list, a page over its size limit, a
//     next_cursor already followed in this run) stops the export at once.
//   - An import keeps a ledger (import_runs, import_records): a record is
//     marked "sending" before its request and gets its final state after;
//     concurrent workers share ledger commits. Re-running the same import
//     skips what is done, and never sends again a create whose outcome is
//     unknown (a duplicate campaign costs money): such records are
//     reported, and the user retries them deliberately by feeding the
//     records still missing back as a new input. The import does its own
//     retrying (one connector attempt per request), so that a rate limit
//     one worker meets holds back every worker until the reset.
//   - A report splits its window and id list to the API's limits, creates
//     async jobs within the cap of processing jobs, polls them with backoff,
//     and downloads and decompresses each result as a stream; a result that
//     breaks off is fetched again whole, so no row is written twice.
//
// All requests go through a Plugin, which starts the connection's plugin
// again when its process dies during a call (a bounded number of times),
// so a crashed plugin costs one page or one retry, not the run. Whether a
// failed request is sent again is the flow's decision: reads are, writes
// only when they cannot have been applied.
//
// The flows speak the X Ads API's conventions (next_cursor paging,
// query-string parameters on writes, batch operations, stats jobs), which
// many REST APIs share; they know nothing of a connector's settings. They
// are not a scheduler: one command runs one flow, in the foreground.
package flows
