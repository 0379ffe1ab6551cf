// Package e2e holds the end-to-end tests: they build the real integrator and
// plugin binaries, lay them out as a user would, and drive the CLI through
// real go-plugin handshakes. It has no code of its own outside tests.
package e2e
