// Command grpcfloor measures what a call between two local processes costs
// on this machine before any connector code runs, as the floor under the
// plugin boundary figures of ../dorequest:
//
//   - a 32-byte round trip over a Unix socket (write, the child echoes it);
//   - a unary call of gRPC's standard health service over a Unix socket,
//     in plaintext and with mutual TLS (ECDSA P-521 certificates, as
//     go-plugin's AutoMTLS makes them).
//
// Each is measured with both processes at the default GOMAXPROCS, with the
// child (the plugin side) at 1, and with both at 1. The configurations
// take turns for --rounds rounds so that drift on a shared machine hits
// them alike; the table gives the p50 and p90 over all rounds.
//
//	go run ./plugin/bench/grpcfloor
//
// It is not a test and asserts nothing; docs/benchmarks.md records its
// figures.
package main
