package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver
)

// openSQLite opens (creating if needed) the SQLite database at path. Its
// folder is made private (0700) and the file 0600.
func openSQLite(path string) (*sql.DB, *sqliteDialect, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, nil, fmt.Errorf("creating %s: %w", dir, err)
	}
	if f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600); err == nil {
		f.Close()
	} else {
		return nil, nil, fmt.Errorf("opening %s: %w", path, err)
	}
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, nil, err
	}
	return db, &sqliteDialect{locks: filepath.Join(dir, "locks")}, nil
}

// sqliteDialect is the embedded database: a write transaction takes the
// database's write lock at its start (_txlock=immediate), so writes never
// conflict and are never retried; a lease's lock is an flock on a file in
// the locks folder beside the database, which the kernel releases when the
// process ends.
type sqliteDialect struct {
	locks string // the folder of lock files
}

func (*sqliteDialect) name() string              { return "sqlite" }
func (*sqliteDialect) txOptions() *sql.TxOptions { return nil }
func (*sqliteDialect) retry(error) bool          { return false }
func (*sqliteDialect) close()                    {}

func (*sqliteDialect) uniqueViolation(err error, column string) bool {
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed:") && strings.Contains(err.Error(), "."+column)
}

func (d *sqliteDialect) migrate(ctx context.Context, db *sql.DB) (int, int, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, 0, err
	}
	defer tx.Rollback()
	var version int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return 0, 0, err
	}
	if version > len(migrations) {
		return version, version, fmt.Errorf("the database is from a newer integrator (schema %d; this one knows %d): upgrade integrator", version, len(migrations))
	}
	for i := version; i < len(migrations); i++ {
		if _, err := tx.ExecContext(ctx, migrations[i]); err != nil {
			return version, version, fmt.Errorf("migration %d: %w", i+1, err)
		}
	}
	if version < len(migrations) {
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", len(migrations))); err != nil {
			return version, version, err
		}
	}
	return version, len(migrations), tx.Commit()
}

func (d *sqliteDialect) tryLock(_ context.Context, key string) (func(), error) {
	f, err := d.lockFile(key)
	if err != nil {
		return nil, err
	}
	if err := tryLock(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { f.Close() }, nil // closing releases the lock
}

func (d *sqliteDialect) held(_ context.Context, key string) (bool, error) {
	f, err := d.lockFile(key)
	if err != nil {
		return false, err
	}
	defer f.Close()
	err = tryLock(f)
	if errors.Is(err, errLocked) {
		return true, nil
	}
	return false, err
}

// lockFile opens the lock file of key, in a private folder beside the
// database. Lock files are never removed: removing one would let a process
// that opened it just before lock a file nobody else sees.
func (d *sqliteDialect) lockFile(key string) (*os.File, error) {
	if err := os.MkdirAll(d.locks, 0o700); err != nil {
		return nil, err
	}
	sum := sha256.Sum256([]byte(key))
	return os.OpenFile(filepath.Join(d.locks, hex.EncodeToString(sum[:20])+".lock"), os.O_RDWR|os.O_CREATE|noFollow, 0o600)
}
