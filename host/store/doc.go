// Package store keeps connections in an embedded SQLite database (the pure-Go
// modernc.org/sqlite driver, no cgo), one file under the integrator's home.
//
// The database runs in WAL mode with a busy timeout and takes write locks at
// the start of each write transaction, so several CLI processes can write at
// once without corrupting it or losing a write. The schema is versioned by
// numbered migrations.
//
// Besides connections it keeps plugin trust, the checkpoints of exports and
// reports, the import ledger (records by content, claimed in the
// transaction that checks them), and the leases of runs in progress: a row
// naming the process and an flock on a file under the home folder's
// locks/, which the kernel releases when the process ends.
//
// Secret values are stored only as secrets.Sealed values; the store never
// sees a secret in clear. It knows nothing of connectors beyond field keys.
package store
