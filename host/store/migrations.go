package store

import (
	"context"
	"database/sql"
	"fmt"
)

// migrations are applied in order; each runs once, in its own transaction,
// and the database's user_version records how many ran. Never edit one that
// has shipped: add a new one.
var migrations = []string{
	// 1: connections, their settings and sealed secrets.
	`CREATE TABLE connections (
		id         TEXT PRIMARY KEY,
		name       TEXT NOT NULL,
		name_key   TEXT NOT NULL UNIQUE,
		type       TEXT NOT NULL,
		created_at INTEGER NOT NULL,
		updated_at INTEGER NOT NULL,
		test_ok    INTEGER,
		test_at    INTEGER,
		test_note  TEXT
	);
	CREATE TABLE connection_values (
		connection_id TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
		key           TEXT NOT NULL,
		type          INTEGER NOT NULL,
		value         TEXT NOT NULL,
		PRIMARY KEY (connection_id, key)
	);
	CREATE TABLE connection_secrets (
		connection_id TEXT NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
		key           TEXT NOT NULL,
		key_id        TEXT NOT NULL,
		nonce         BLOB NOT NULL,
		ciphertext    BLOB NOT NULL,
		PRIMARY KEY (connection_id, key)
	);`,
}

func migrate(ctx context.Context, db *sql.DB) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var version int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return err
	}
	if version > len(migrations) {
		return fmt.Errorf("the database is from a newer integrator (schema %d; this one knows %d): upgrade integrator", version, len(migrations))
	}
	for i := version; i < len(migrations); i++ {
		if _, err := tx.ExecContext(ctx, migrations[i]); err != nil {
			return fmt.Errorf("migration %d: %w", i+1, err)
		}
	}
	if version < len(migrations) {
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", len(migrations))); err != nil {
			return err
		}
	}
	return tx.Commit()
}
