package store

import (
	"context"
	"database/sql"
)

// tables returns the names of the store's tables, sorted (the schema's
// version record and River's tables, which the queue package keeps, left
// out).
func (s *Store) tables(ctx context.Context) ([]string, error) {
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`
	if s.d.name() == "postgres" {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()
			AND table_type = 'BASE TABLE' AND table_name <> 'integrator_schema' AND table_name NOT LIKE 'river\_%' ORDER BY table_name`
	}
	return s.strings(ctx, q)
}

// columns returns a table's columns in order, and its primary key's.
func (s *Store) columns(ctx context.Context, table string) (cols, key []string, err error) {
	qc := `SELECT name FROM pragma_table_info(?) ORDER BY cid`
	qk := `SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk`
	if s.d.name() == "postgres" {
		qc = `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position`
		qk = `SELECT k.column_name FROM information_schema.table_constraints c JOIN information_schema.key_column_usage k
			ON k.constraint_name = c.constraint_name AND k.table_schema = c.table_schema AND k.table_name = c.table_name
			WHERE c.constraint_type = 'PRIMARY KEY' AND c.table_schema = current_schema() AND c.table_name = ? ORDER BY k.ordinal_position`
	}
	if cols, err = s.strings(ctx, qc, table); err != nil {
		return nil, nil, err
	}
	key, err = s.strings(ctx, qk, table)
	return cols, key, err
}

func (s *Store) strings(ctx context.Context, q string, args ...any) ([]string, error) {
	return queryStrings(ctx, s.db, q, args...)
}

func queryStrings(ctx context.Context, db interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, q string, args ...any) ([]string, error) {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
