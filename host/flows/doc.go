// Package flows moves data through a connection: exports that page
// through a list endpoint into JSON Lines, imports that send one request
// (or one batch) per input record, and async analytics reports.
//
// Each flow is written so that a crash at any moment costs nothing but
// time:
//
//   - An export writes whole pages to OUT.part, syncs the file, then
//     checkpoints the byte offset, the next cursor and the SHA-256 of the
//     bytes so far in the store (export_runs). Resuming checks those bytes,
//     truncates OUT.part to the checkpointed offset and asks for the
//     checkpointed cursor again, so every record lands exactly once; the
//     last step renames OUT.part to OUT. A page is synced and checkpointed
//     while the next one is fetched, checkpoints still in order. Records
//     are split out of each answer in one pass (jsonscan.go), without
//     decoding them, and keep their bytes, invalid UTF-8 included (counted
//     in the summary, not repaired). Only what can succeed later is asked
//     for again: an answer that cannot change (a 4xx, a path that is no
//     list, a page over its size limit, a next cursor already followed)
//     stops the export at once.
//   - An import keeps a ledger of records known by what they are (scope,
//     canonical JSON, occurrence; recordkey.go), so an edited input finds
//     what was done. A record is claimed ("sending") in the transaction
//     that checks it, just before its request is handed to the plugin, and
//     gets its final state after; concurrent workers share ledger commits.
//     A create whose outcome is unknown is never sent again by itself (a
//     duplicate campaign costs money): such records are reported, and the
//     user sends them again deliberately (--again). The import does its own
//     retrying (one connector attempt per request), so that a rate limit
//     one worker meets holds back every worker until the reset; a stopped
//     import waits for its requests in flight.
//   - Runs in progress hold leases in the store on what they use (an
//     import's records, an output file), and an unfinished export or
//     report owns its part file: a second command is refused, naming the
//     run that holds it.
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
// The flows know no API: how lists page, where their records are and what
// async reports may cover is what the connector says (shared.Describer),
// and report jobs go through the connector's own calls (shared.Reporter).
// Imports follow conventions many REST APIs share (parameters in the
// query, a form or JSON body; batch operations); the flows know nothing of
// a connector's settings. They are not a scheduler: one command runs one
// flow, in the foreground.
package flows
