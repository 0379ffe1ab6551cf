package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"database/sql/driver"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// OpenURL opens the PostgreSQL database a postgres:// URL names and
// brings its schema up to date. The store's tables live in the URL's
// search_path schema (public unless the URL says otherwise). Errors never
// hold the URL's password.
func OpenURL(ctx context.Context, rawURL string) (*Store, error) {
	where := RedactURL(rawURL)
	cfg, err := pgx.ParseConfig(rawURL)
	if err != nil {
		return nil, fmt.Errorf("the store URL %s: %w", where, redactError(err, rawURL, ""))
	}
	fail := func(format string, err error) error {
		return fmt.Errorf(format, where, redactError(err, rawURL, cfg.Password))
	}
	db := sql.OpenDB(rebindConnector{stdlib.GetConnector(*cfg)})
	db.SetMaxIdleConns(4)
	var schema sql.NullString
	if err := db.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		db.Close()
		return nil, fail("connecting to the store %s: %w", err)
	}
	if !schema.Valid {
		db.Close()
		return nil, fmt.Errorf("the store %s: no schema of its search_path exists: create it (CREATE SCHEMA), or name one that exists", where)
	}
	d := &pgDialect{db: db, ns: schema.String}
	s, err := start(ctx, db, d, "", where)
	if err != nil {
		return nil, errors.New(redactError(err, rawURL, cfg.Password).Error())
	}
	return s, nil
}

// pgDialect is a shared PostgreSQL database. A write transaction is
// serializable and runs again when it loses a conflict, so it is as if
// writes ran one at a time, as on SQLite. A lease's lock is a session
// advisory lock held on a connection of its own: the server releases it
// when that connection ends, which it does when the process ends however
// it ends (or the network between them fails). Lock keys are hashed with
// the schema's name, so stores in two schemas of a database do not share
// locks.
type pgDialect struct {
	db *sql.DB
	ns string // the schema the store's tables are in
}

func (*pgDialect) name() string { return "postgres" }
func (*pgDialect) close()       {}

func (*pgDialect) txOptions() *sql.TxOptions {
	return &sql.TxOptions{Isolation: sql.LevelSerializable}
}

// retry is true for a serialization failure and a deadlock.
func (*pgDialect) retry(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

func (*pgDialect) uniqueViolation(err error, column string) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505" && strings.Contains(pe.ConstraintName, column)
}

// lockKey is the advisory lock key of a lease's key in this schema.
func (d *pgDialect) lockKey(key string) int64 {
	sum := sha256.Sum256([]byte(d.ns + "\x00" + key))
	return int64(binary.BigEndian.Uint64(sum[:8]))
}

func (d *pgDialect) tryLock(ctx context.Context, key string) (func(), error) {
	conn, err := d.db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	k := d.lockKey(key)
	var ok bool
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock(?)`, k).Scan(&ok); err != nil {
		conn.Close()
		return nil, err
	}
	if !ok {
		conn.Close()
		return nil, errLocked
	}
	return func() {
		var unlocked bool
		err := conn.QueryRowContext(context.Background(), `SELECT pg_advisory_unlock(?)`, k).Scan(&unlocked)
		if err != nil || !unlocked {
			// Never hand a connection that may hold the lock back to
			// the pool: close it, which ends the lock with it.
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
		conn.Close()
	}, nil
}

func (d *pgDialect) held(ctx context.Context, key string) (bool, error) {
	var held bool
	err := d.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted
		AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
		AND classid::bigint = ? AND objid::bigint = ? AND objsubid = 1)`, int64(uint64(d.lockKey(key))>>32), int64(uint64(d.lockKey(key))&0xffffffff)).Scan(&held)
	return held, err
}

func (d *pgDialect) migrate(ctx context.Context, db *sql.DB) (int, int, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, 0, err
	}
	defer tx.Rollback()
	// One migration at a time: two hosts starting at once wait here.
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(?)`, d.lockKey("schema migration")); err != nil {
		return 0, 0, err
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS integrator_schema (version BIGINT NOT NULL)`); err != nil {
		return 0, 0, err
	}
	var version int
	switch err := tx.QueryRowContext(ctx, `SELECT version FROM integrator_schema`).Scan(&version); {
	case errors.Is(err, sql.ErrNoRows):
		if _, err := tx.ExecContext(ctx, `INSERT INTO integrator_schema (version) VALUES (0)`); err != nil {
			return 0, 0, err
		}
	case err != nil:
		return 0, 0, err
	}
	if version > len(pgMigrations) {
		return version, version, fmt.Errorf("the database is from a newer integrator (schema %d; this one knows %d): upgrade integrator", version, len(pgMigrations))
	}
	for i := version; i < len(pgMigrations); i++ {
		if _, err := tx.ExecContext(ctx, pgMigrations[i]); err != nil {
			return version, version, fmt.Errorf("migration %d: %w", i+1, err)
		}
	}
	if version == len(pgMigrations) {
		// Up to date, as on every start but the first: nothing to
		// write (a row version and its WAL for every command).
		return version, version, tx.Commit()
	}
	if _, err := tx.ExecContext(ctx, `UPDATE integrator_schema SET version = ?`, len(pgMigrations)); err != nil {
		return version, version, err
	}
	return version, len(pgMigrations), tx.Commit()
}
