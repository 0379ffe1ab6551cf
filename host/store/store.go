package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver
)

// FileName is the database's name inside the home folder.
const FileName = "integrator.db"

// busyTimeout is how long a writer waits for another process's write lock.
const busyTimeout = 10000 // milliseconds

// Store is the connection database.
type Store struct {
	db   *sql.DB
	Path string
}

// Open opens (creating if needed) the database in homeDir and brings its
// schema up to date. The folder is made private (0700) and the file 0600.
func Open(ctx context.Context, homeDir string) (*Store, error) {
	if err := os.MkdirAll(homeDir, 0o700); err != nil {
		return nil, fmt.Errorf("creating %s: %w", homeDir, err)
	}
	path := filepath.Join(homeDir, FileName)
	if f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600); err == nil {
		f.Close()
	} else {
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	s := &Store{db: db, Path: path}
	if err := migrate(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("preparing %s: %w", path, err)
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Errors the store returns.
var (
	ErrNotFound  = errors.New("no such connection")
	ErrNameTaken = errors.New("a connection with that name already exists")
	ErrInUse     = errors.New("a run in progress uses the connection")
)
