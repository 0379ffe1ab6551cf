package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"time"
)

// Owner is a run that holds a lease: what it does and which process runs it.
type Owner struct {
	Key          string // what is held: an import's records, an output file
	RunID        string
	ConnectionID string
	What         string // for people: "export of accounts/x/campaigns to /data/c.jsonl"
	PID          int
	Host         string
	Since        time.Time
}

func (o Owner) String() string {
	return fmt.Sprintf("%s, run by integrator (pid %d on %s) since %s", o.What, o.PID, o.Host, o.Since.Format(time.DateTime))
}

// BusyError is returned by Acquire while another live process holds the
// lease. Owner is nil in the moment between that process taking the lock
// and recording itself.
type BusyError struct {
	Owner *Owner
}

func (e *BusyError) Error() string {
	if e.Owner == nil {
		return "another integrator process is working on it"
	}
	return "it is in use: " + e.Owner.String()
}

// Lease is held by a run in progress. It is two things: a row that says
// who holds it, for messages and listings, and an exclusive lock, which
// is the truth: on SQLite an flock on a file beside the database, which
// the kernel releases when the process ends; on PostgreSQL a session
// advisory lock, which the server releases when the process's connection
// ends. Either way a row whose lock is free belongs to a process that is
// gone and is taken over.
type Lease struct {
	s      *Store
	owner  Owner
	unlock func()
}

// Owner returns who holds the lease: this run.
func (l *Lease) Owner() Owner { return l.owner }

// Acquire takes the lease on o.Key for the run o describes, without
// waiting: while a live process holds it, it returns a *BusyError naming
// that process. PID, Host and Since are filled in.
func (s *Store) Acquire(ctx context.Context, o Owner) (*Lease, error) {
	unlock, err := s.d.tryLock(ctx, o.Key)
	if err != nil {
		if errors.Is(err, errLocked) {
			holder, herr := s.leaseRow(ctx, o.Key)
			if herr != nil && !errors.Is(herr, sql.ErrNoRows) {
				return nil, herr
			}
			return nil, &BusyError{Owner: holder}
		}
		return nil, err
	}
	o.PID, o.Since = os.Getpid(), time.Now()
	o.Host, _ = os.Hostname()
	err = s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO run_leases (key, connection_id, run_id, what, pid, host, started_at) VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET connection_id = excluded.connection_id, run_id = excluded.run_id, what = excluded.what,
				pid = excluded.pid, host = excluded.host, started_at = excluded.started_at`,
			o.Key, o.ConnectionID, o.RunID, o.What, o.PID, o.Host, o.Since.UnixNano())
		return err
	})
	if err != nil {
		unlock()
		return nil, err
	}
	return &Lease{s: s, owner: o, unlock: unlock}, nil
}

// Release gives the lease up.
func (l *Lease) Release() {
	if l == nil || l.unlock == nil {
		return
	}
	_ = l.s.write(context.Background(), func(tx *sql.Tx) error {
		_, err := tx.Exec(`DELETE FROM run_leases WHERE key = ? AND run_id = ?`, l.owner.Key, l.owner.RunID)
		return err
	})
	l.unlock()
	l.unlock = nil
}

// Running returns the runs of a connection that are in progress, in the
// order they started. Rows left by processes that are gone are removed.
func (s *Store) Running(ctx context.Context, connectionID string) ([]Owner, error) {
	return s.liveLeases(ctx, `WHERE connection_id = ? ORDER BY started_at`, connectionID)
}

// RunAlive reports whether the run holds a lease in a live process.
func (s *Store) RunAlive(ctx context.Context, runID string) (bool, error) {
	live, err := s.liveLeases(ctx, `WHERE run_id = ?`, runID)
	return len(live) > 0, err
}

func (s *Store) liveLeases(ctx context.Context, where string, args ...any) ([]Owner, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT key, connection_id, run_id, what, pid, host, started_at FROM run_leases `+where, args...)
	if err != nil {
		return nil, err
	}
	var all []Owner
	for rows.Next() {
		o, err := scanOwner(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		all = append(all, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var live []Owner
	for _, o := range all {
		alive, err := s.d.held(ctx, o.Key)
		if err != nil {
			return nil, err
		}
		if alive {
			live = append(live, o)
			continue
		}
		if err := s.write(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `DELETE FROM run_leases WHERE key = ? AND run_id = ?`, o.Key, o.RunID)
			return err
		}); err != nil {
			return nil, err
		}
	}
	return live, nil
}

func (s *Store) leaseRow(ctx context.Context, key string) (*Owner, error) {
	row := s.db.QueryRowContext(ctx, `SELECT key, connection_id, run_id, what, pid, host, started_at FROM run_leases WHERE key = ?`, key)
	o, err := scanOwner(row)
	if err != nil {
		return nil, err
	}
	return &o, nil
}

func scanOwner(r interface{ Scan(...any) error }) (Owner, error) {
	var o Owner
	var since int64
	err := r.Scan(&o.Key, &o.ConnectionID, &o.RunID, &o.What, &o.PID, &o.Host, &since)
	o.Since = time.Unix(0, since)
	return o, err
}
