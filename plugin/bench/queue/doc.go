// Command queue measures queued exports run by `integrator worker`
// processes against the one-process CLI, in the same run:
//
//   - the CLI exporting the accounts one after the other (a script's
//     loop), and, with --cli-parallel, as that many CLI processes at once;
//   - the same exports queued (`export --queue --detach`, one run per
//     account) for 1, 2 and 4 workers (--workers), each worker in a home
//     of its own as on a machine of its own, sharing a store on PostgreSQL
//     and the master key.
//
// Every figure is a wall time of all the accounts' exports, from the
// first command to the last run's end, and its ratio to the CLI's loop in
// the same round. The simulator runs with a latency per request (--latency,
// default 100ms) and without rate limits, so that what is measured is how
// far waiting on the API is overlapped; the CPU seconds of the
// integrator processes (with their plugins), of the simulator and of the
// PostgreSQL server show where the machine's cores go. Each queued run's
// download is compared byte for byte with the CLI's export of its account.
//
// It builds the integrator, the plugin and the simulator into a temporary
// folder, makes a schema of its own on the PostgreSQL server that --store
// names (default: $INTEGRATOR_TEST_POSTGRES), prints Markdown tables, and
// is meant to be run by hand (Linux only, for /proc):
//
//	.ci/with-postgres go run ./plugin/bench/queue
//
// With --pg-statements N it also prints, after each queued variant, the
// server's top N statements by total execution time, from
// pg_stat_statements when the server loaded it:
//
//	WITH_POSTGRES_OPTS='-c shared_preload_libraries=pg_stat_statements' \
//		.ci/with-postgres go run ./plugin/bench/queue --workers 2 --pg-statements 25
//
// It lives under plugin/bench beside the other benchmark programs and
// drives the host only through its binary, so host code is never
// imported. It asserts nothing; docs/benchmarks.md records its figures.
package main
