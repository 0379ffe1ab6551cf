// Command export measures `integrator export` against a minimal direct
// client, both paging the same X Ads API simulator in the same run:
//
//   - records per second of an export of 100,000 campaigns (pages of
//     1,000) through the built host and its plugin, against a direct Go
//     client that signs its own requests (plugin/oauth1), decodes each
//     page and writes the records as JSON Lines;
//   - the host's peak RSS (VmHWM of the integrator process, read from
//     /proc while it runs), and the plugin's.
//
// The host does more than the direct client: it syncs the file after
// each page and checkpoints the cursor in its SQLite store, so that a
// killed run can resume; the direct client only writes. Both outputs are
// compared, so a faster but wrong host cannot pass.
//
// It builds the integrator, the plugin and the simulator into a temporary
// folder, runs the two sides alternately, prints a Markdown table, and is
// meant to be run by hand (Linux only, for /proc):
//
//	go run ./plugin/bench/export
//
// It lives under plugin/ because the direct client uses the simulator's
// protocol and plugin/oauth1; it drives the host only through its binary,
// so host code is never imported. It asserts nothing; docs/benchmarks.md
// records its figures.
package main
