// Package plugins finds connector plugin binaries, decides whether to trust
// them, and runs them.
//
// Discovery looks for executables named integrator-connector-<type>; a file
// that is not a usable plugin is reported with a one-line reason and never
// stops the others from loading.
//
// Trust is on first use: the first load records the binary's SHA-256 (and
// its schema, so listing types need not start it again); every later start
// runs a private copy of the file's bytes that have that checksum
// (ExecCache), never the file itself, and a changed binary is refused until
// `integrator plugins trust TYPE` records the new one. Plugin sockets live
// in a private folder of each host process (RunDir).
//
// The Supervisor keeps one process per type for the life of a host process,
// shared by concurrent calls: a crash fails the calls in flight with a clear
// error and the next call starts a fresh process (with backoff when it keeps
// crashing); idle processes stop; Shutdown stops them all. Every start goes
// through shared.Start, which completes the handshake and asks for the
// schema.
//
// Package plugins holds no connection settings.
package plugins
