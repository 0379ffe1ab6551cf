package store

import (
	"database/sql"
	"errors"
)

// ErrNoQueue is returned by QueueDB on SQLite: queued runs and workers
// need a store on PostgreSQL.
var ErrNoQueue = errors.New("queued runs and workers need the store on PostgreSQL")

// QueueDB returns the database of a store on PostgreSQL, for package
// host/store/queue only: River's client and migrations run over it, so
// that a job inserted in a store method's also hook commits with the
// store's rows. Nothing else may use it: the store's own tables are
// read and written through the Store's methods. It is ErrNoQueue on
// SQLite.
func (s *Store) QueueDB() (*sql.DB, error) {
	if s.d.name() != "postgres" {
		return nil, ErrNoQueue
	}
	return s.db, nil
}
