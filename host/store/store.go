package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// FileName is the database's name inside the home folder.
const FileName = "integrator.db"

// busyTimeout is how long a writer waits for another process's write lock.
const busyTimeout = 10000 // milliseconds

// Store is the integrator's database: the embedded SQLite file (Open,
// OpenFile) or a shared PostgreSQL database (OpenURL). Both behave the
// same; see dialect.
type Store struct {
	db *sql.DB
	d  dialect
	// Path is the SQLite database's file; "" on PostgreSQL.
	Path string
	// Where names the database for people: the file, or the URL without
	// its password.
	Where string
	// Migrated is the schema version found on opening and the one left.
	Migrated [2]int
}

// Open opens (creating if needed) the database in homeDir and brings its
// schema up to date. The folder is made private (0700) and the file 0600.
func Open(ctx context.Context, homeDir string) (*Store, error) {
	return OpenFile(ctx, filepath.Join(homeDir, FileName))
}

// OpenFile opens (creating if needed) the SQLite database at path and
// brings its schema up to date.
func OpenFile(ctx context.Context, path string) (*Store, error) {
	db, d, err := openSQLite(path)
	if err != nil {
		return nil, err
	}
	return start(ctx, db, d, path, path)
}

// start brings the schema up to date and returns the store.
func start(ctx context.Context, db *sql.DB, d dialect, path, where string) (*Store, error) {
	s := &Store{db: db, d: d, Path: path, Where: where}
	from, to, err := d.migrate(ctx, db)
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("preparing %s: %w", where, err)
	}
	s.Migrated = [2]int{from, to}
	return s, nil
}

// Backend is "sqlite" or "postgres".
func (s *Store) Backend() string { return s.d.name() }

// Close closes the database.
func (s *Store) Close() error {
	s.d.close()
	return s.db.Close()
}

// Errors the store returns.
var (
	ErrNotFound  = errors.New("no such connection")
	ErrNameTaken = errors.New("a connection with that name already exists")
	ErrInUse     = errors.New("a run in progress uses the connection")
)

// write runs fn in a write transaction. On SQLite it takes the database's
// write lock at its start (waiting up to the busy timeout for other
// processes); on PostgreSQL it is serializable, and when it loses a
// conflict to another transaction it runs again from its start, so fn
// must do nothing outside tx that cannot be done twice.
//
// Attempts after a lost conflict wait a random pause first, growing with
// each attempt (up to about 50 ms): writers that conflicted once and ran
// again at once would meet again, each time, as pages of several workers
// did.
func (s *Store) write(ctx context.Context, fn func(*sql.Tx) error) error {
	for attempt := 1; ; attempt++ {
		err := s.writeOnce(ctx, fn)
		if err == nil || attempt == maxWriteAttempts || !s.d.retry(err) || ctx.Err() != nil {
			return err
		}
		pause := time.Duration(rand.Int64N(int64(min(attempt, 10)) * int64(5*time.Millisecond)))
		select {
		case <-ctx.Done():
			return err
		case <-time.After(pause):
		}
	}
}

// Transient is true for an error of the store that the same write may not
// meet when run again later: a conflict lost more often than a write runs
// again, or a connection to the database that broke. A queued job returns
// such an error to the queue, which runs the job again after a pause,
// rather than failing its run.
func Transient(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// Class 40 (transaction rollback: serialization, deadlock),
		// 08 (connection exception), 53 (insufficient resources),
		// 57P01-03 (the server shutting down or starting).
		return strings.HasPrefix(pe.Code, "40") || strings.HasPrefix(pe.Code, "08") || strings.HasPrefix(pe.Code, "53") ||
			pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03"
	}
	if errors.Is(err, driver.ErrBadConn) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) || pgconn.SafeToRetry(err)
}

// maxWriteAttempts bounds how often a write that loses conflicts runs.
const maxWriteAttempts = 50

func (s *Store) writeOnce(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, s.d.txOptions())
	if err != nil {
		return fmt.Errorf("starting a write: %w", err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}
