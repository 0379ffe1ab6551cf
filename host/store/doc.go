// Package store keeps connections in an embedded SQLite database (the pure-Go
// modernc.org/sqlite driver, no cgo), one file under the integrator's home.
//
// The database runs in WAL mode with a busy timeout and takes write locks at
// the start of each write transaction, so several CLI processes can write at
// once without corrupting it or losing a write. The schema is versioned by
// numbered migrations.
//
// Secret values are stored only as secrets.Sealed values; the store never
// sees a secret in clear. It knows nothing of connectors beyond field keys.
package store
