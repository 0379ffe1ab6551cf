package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// ErrChanged is returned by Convert when the connection is no longer as
// it was read: edited, converted or tested-and-saved by another command
// in between.
var ErrChanged = errors.New("the connection changed since it was read")

// Convert gives connection was (as it was read: its id, type and last
// update) the type, settings and secrets of to, and the test result, in
// one transaction. Its id and name stay, so its checkpoints, import
// ledgers and lease keys stay with it.
//
// It changes nothing, and returns: ErrInUse while a run holds a lease on
// the connection (call Running first: it clears the leases of runs that
// are gone); ErrChanged when its type or last update differ from was's;
// ErrNotFound when it is gone; or the error of a check, which sees the
// key ids of every other connection's secrets.
func (s *Store) Convert(ctx context.Context, was Connection, to Connection, test TestResult, checks ...KeyCheck) error {
	return s.ConvertGuarded(ctx, was, to, test, nil, checks...)
}

// ConvertGuarded is Convert with guard (when not nil) in its transaction,
// after the lease check.
func (s *Store) ConvertGuarded(ctx context.Context, was Connection, to Connection, test TestResult, guard ConnGuard, checks ...KeyCheck) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		if err := checkKeys(ctx, tx, was.ID, checks); err != nil {
			return err
		}
		var held int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM run_leases WHERE connection_id = ?`, was.ID).Scan(&held); err != nil {
			return err
		}
		if held > 0 {
			return fmt.Errorf("%w: %q", ErrInUse, was.Name)
		}
		if guard != nil {
			if err := guard(tx, was.ID); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE connections SET type = ?, updated_at = ?, test_ok = ?, test_at = ?, test_note = ?
			WHERE id = ? AND type = ? AND updated_at = ?`,
			to.Type, time.Now().UnixNano(), test.OK, test.At.UnixNano(), test.Note, was.ID, was.Type, was.UpdatedAt.UnixNano())
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var exists int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM connections WHERE id = ?`, was.ID).Scan(&exists); err != nil {
				return err
			}
			if exists == 0 {
				return fmt.Errorf("%w: %q", ErrNotFound, was.Name)
			}
			return fmt.Errorf("%w: %q", ErrChanged, was.Name)
		}
		for _, table := range []string{"connection_values", "connection_secrets"} {
			if _, err := tx.ExecContext(ctx, "DELETE FROM "+table+" WHERE connection_id = ?", was.ID); err != nil {
				return err
			}
		}
		to.ID = was.ID
		return putSettings(ctx, tx, to)
	})
}
