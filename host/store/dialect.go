package store

import (
	"context"
	"database/sql"
	"errors"
)

// A dialect is what differs between the two databases a Store runs on.
// Every query and transaction is the same text on both (written with ?
// placeholders, which the PostgreSQL driver numbers), so each is tested
// against both by one contract suite; only these differ:
//   - the schema's types and how its version is kept (migrate),
//   - how a write transaction excludes other writers (txOptions, retry),
//   - how a unique constraint's violation is reported (uniqueViolation),
//   - the lock that proves a lease's holder alive (tryLock, held).
type dialect interface {
	// name is "sqlite" or "postgres".
	name() string
	// migrate brings the schema up to date and returns the version it
	// found and the one it left.
	migrate(ctx context.Context, db *sql.DB) (from, to int, err error)
	// txOptions are the options of a write transaction.
	txOptions() *sql.TxOptions
	// retry reports whether a write that failed with err may run again
	// from its start (another transaction won a conflict).
	retry(err error) bool
	// uniqueViolation reports whether err is a unique constraint's
	// violation on the named column.
	uniqueViolation(err error, column string) bool
	// tryLock takes the lock of a lease's key without waiting, returning
	// errLocked while another holder has it. The lock ends when release
	// is called or its holder's process ends, however it ends.
	tryLock(ctx context.Context, key string) (release func(), err error)
	// held reports whether some holder has the lock of key.
	held(ctx context.Context, key string) (bool, error)
	// close frees what the dialect holds.
	close()
}

// errLocked is returned by tryLock while another holder has the lock.
var errLocked = errors.New("locked")
