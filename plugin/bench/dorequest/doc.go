// Command dorequest measures the Twitter Ads connector's DoRequest through
// the real plugin process against the same connector called in process,
// both talking to the simulator binary:
//
//   - latency of a small JSON GET (p50, p90, p99) and the added latency of
//     the plugin boundary;
//   - throughput with concurrent callers;
//   - a large body (1 GiB by default) read through the plugin, against a
//     direct net/http read of the same body, with the peak RSS (VmHWM) of
//     this process (the host) and of the plugin process.
//
// It builds the plugin and simulator binaries unless given, prints Markdown
// tables, the last one each target of the issue against this run's figure,
// and is meant to be run by hand (Linux only, for /proc):
//
//	go run ./plugin/bench/dorequest
//
// It is not a test and asserts nothing; docs/benchmarks.md records its
// figures.
package main
