package store

import (
	"context"
	"database/sql"
	"errors"
)

// infoMasterKeyID is the store_info row naming the master key that seals
// the store's secrets, which every worker sharing the store must have.
const infoMasterKeyID = "master_key_id"

// MasterKeyID returns the id of the master key the store records, or ""
// when it records none yet.
func (s *Store) MasterKeyID(ctx context.Context) (string, error) {
	var id string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM store_info WHERE name = ?`, infoMasterKeyID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return id, err
}

// RecordMasterKeyID records id as the store's master key id unless the
// store records one already, and returns the one recorded (id, or the
// one that was there: the caller compares them).
func (s *Store) RecordMasterKeyID(ctx context.Context, id string) (string, error) {
	var got string
	err := s.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO store_info (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`, infoMasterKeyID, id); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT value FROM store_info WHERE name = ?`, infoMasterKeyID).Scan(&got)
	})
	return got, err
}

// setMasterKeyID changes the recorded master key id, if one is recorded
// (a key rotation re-sealed every secret with the key id).
func setMasterKeyID(ctx context.Context, tx *sql.Tx, id string) error {
	_, err := tx.ExecContext(ctx, `UPDATE store_info SET value = ? WHERE name = ?`, id, infoMasterKeyID)
	return err
}
