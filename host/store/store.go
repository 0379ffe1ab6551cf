package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
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
func (s *Store) write(ctx context.Context, fn func(*sql.Tx) error) error {
	for attempt := 1; ; attempt++ {
		err := s.writeOnce(ctx, fn)
		if err == nil || attempt == maxWriteAttempts || !s.d.retry(err) || ctx.Err() != nil {
			return err
		}
	}
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
