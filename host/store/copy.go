package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// ErrTargetNotEmpty is returned by Copy when the target store holds data
// and replacing it was not asked for.
var ErrTargetNotEmpty = errors.New("the target store is not empty")

// copyFirst are the tables copied first, in this order, so that a row is
// copied after the rows it refers to; others follow by name.
var copyFirst = []string{"connections", "connection_values", "connection_secrets", "plugins",
	"export_runs", "export_cursors", "report_runs", "report_jobs", "import_ledger"}

// copySkip are tables not copied: a lease belongs to a live process of
// the source, which Copy refuses anyway; store_info is the target's own
// (store migrate or its first worker records the master key id there;
// the copied secrets keep their key ids in connection_secrets);
// rate-limit budgets are what the API told the source's processes lately,
// which the target's learn anew.
var copySkip = map[string]bool{"run_leases": true, "store_info": true, "rate_limits": true}

// Copied is how many rows of each table Copy copied.
type Copied struct {
	Tables []string
	Rows   map[string]int64
}

// Copy copies every row of from into to (connections with their sealed
// secrets as they are, plugin trust, checkpoints, ledgers, and any other
// table of the schema) in one transaction of to: all or nothing. Nothing
// is decrypted: a secret is copied as its key id, nonce and ciphertext.
// It reads from in one transaction, so it copies one moment's state.
//
// It refuses, changing nothing, while a run holds a lease on from (it
// would go on writing there), and when to holds any row, unless replace
// is true, in which case to's rows are deleted in the same transaction.
func Copy(ctx context.Context, from, to *Store, replace bool) (Copied, error) {
	out := Copied{Rows: map[string]int64{}}
	if from.Migrated[1] != to.Migrated[1] {
		return out, fmt.Errorf("the stores have schema versions %d and %d", from.Migrated[1], to.Migrated[1])
	}
	live, err := from.liveLeases(ctx, "")
	if err != nil {
		return out, err
	}
	if len(live) > 0 {
		var what []string
		for _, o := range live {
			what = append(what, o.String())
		}
		return out, fmt.Errorf("%w: %s", ErrInUse, strings.Join(what, "; "))
	}
	tables, err := from.tables(ctx)
	if err != nil {
		return out, err
	}
	tables = copyOrder(tables)
	out.Tables = tables
	cols := map[string][]string{}
	for _, t := range tables {
		if cols[t], _, err = from.columns(ctx, t); err != nil {
			return out, err
		}
	}
	bools, err := to.boolColumns(ctx)
	if err != nil {
		return out, err
	}
	src, err := from.db.BeginTx(ctx, from.snapshotOptions())
	if err != nil {
		return out, err
	}
	defer src.Rollback()
	err = to.write(ctx, func(tx *sql.Tx) error {
		clear(out.Rows)
		var full []string
		for _, t := range tables {
			var n int64
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM `+t).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				rows := "rows"
				if n == 1 {
					rows = "row"
				}
				full = append(full, fmt.Sprintf("%s (%d %s)", t, n, rows))
			}
		}
		if len(full) > 0 && !replace {
			return fmt.Errorf("%w: %s", ErrTargetNotEmpty, strings.Join(full, ", "))
		}
		if len(full) > 0 {
			for _, t := range slices.Backward(tables) {
				if _, err := tx.ExecContext(ctx, `DELETE FROM `+t); err != nil {
					return err
				}
			}
		}
		for _, t := range tables {
			n, err := copyTable(ctx, src, tx, t, cols[t], bools)
			if err != nil {
				return fmt.Errorf("copying %s: %w", t, err)
			}
			out.Rows[t] = n
		}
		return nil
	})
	return out, err
}

// copyOrder puts tables in copy order, without those not copied.
func copyOrder(tables []string) []string {
	var out []string
	for _, t := range copyFirst {
		if slices.Contains(tables, t) {
			out = append(out, t)
		}
	}
	for _, t := range tables {
		if !slices.Contains(copyFirst, t) && !copySkip[t] {
			out = append(out, t)
		}
	}
	return out
}

func copyTable(ctx context.Context, src, dst *sql.Tx, table string, cols []string, bools map[string]bool) (int64, error) {
	rows, err := src.QueryContext(ctx, `SELECT `+strings.Join(cols, ", ")+` FROM `+table)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	insert := `INSERT INTO ` + table + ` (` + strings.Join(cols, ", ") + `) VALUES (?` + strings.Repeat(", ?", len(cols)-1) + `)`
	var n int64
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return n, err
		}
		for i, c := range cols {
			if v, ok := vals[i].(int64); ok && bools[table+"."+c] {
				vals[i] = v != 0 // SQLite keeps a bool as 0 or 1
			}
		}
		if _, err := dst.ExecContext(ctx, insert, vals...); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Err()
}

// snapshotOptions are the options of a transaction that reads one
// moment's state: on SQLite any transaction (it takes the write lock at
// its start, so nothing changes meanwhile); on PostgreSQL a read-only
// repeatable read.
func (s *Store) snapshotOptions() *sql.TxOptions {
	if s.d.name() == "postgres" {
		return &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	return nil
}

// boolColumns returns the store's boolean columns as table.column: none
// on SQLite, which keeps a bool as an integer.
func (s *Store) boolColumns(ctx context.Context) (map[string]bool, error) {
	out := map[string]bool{}
	if s.d.name() != "postgres" {
		return out, nil
	}
	list, err := s.strings(ctx, `SELECT table_name || '.' || column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND data_type = 'boolean'`)
	for _, c := range list {
		out[c] = true
	}
	return out, err
}
