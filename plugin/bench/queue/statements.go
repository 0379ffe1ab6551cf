package main

import (
	"database/sql"
	"fmt"
	"os"
	"strings"
)

// statements profiles the server's statements with pg_stat_statements,
// when --pg-statements asks for it and the server has the extension
// loaded (shared_preload_libraries=pg_stat_statements; the bench then
// creates the extension in the database's public schema if it can). Without the extension the
// bench says so once and measures the rest as before.
type statements struct {
	db     *sql.DB
	top    int
	schema string // where the extension's view is; "" when unavailable
}

func newStatements(db *sql.DB, top int) *statements {
	s := &statements{db: db, top: top}
	if top <= 0 {
		return s
	}
	// Only where the server loaded its library: the bench leaves no
	// extension it cannot use behind.
	var loaded bool
	if db.QueryRow(`SELECT current_setting('shared_preload_libraries') ~ 'pg_stat_statements'`).Scan(&loaded); loaded {
		db.Exec(`CREATE EXTENSION IF NOT EXISTS pg_stat_statements WITH SCHEMA public`)
	}
	var schema string
	err := db.QueryRow(`SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_stat_statements'`).Scan(&schema)
	if err == sql.ErrNoRows {
		err = fmt.Errorf("the server did not load it, and the database does not have it")
	} else if err == nil {
		_, err = db.Exec(`SELECT ` + schema + `.pg_stat_statements_reset()`)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "queue bench: --pg-statements: pg_stat_statements is not available (%v); start the server with -c shared_preload_libraries=pg_stat_statements (.ci/with-postgres: WITH_POSTGRES_OPTS)\n", err)
		return s
	}
	s.schema = schema
	return s
}

// reset forgets what the server counted so far.
func (s *statements) reset() {
	if s.schema != "" {
		s.db.Exec(`SELECT ` + s.schema + `.pg_stat_statements_reset()`)
	}
}

// dbCounters are the database's counters since the server started:
// transactions committed and rolled back (serialization failures roll
// back), sessions (connections) opened, and the milliseconds its backends
// spent executing statements (PostgreSQL 14 and later; 0 before).
type dbCounters struct {
	commits, rollbacks, sessions int64
	activeMs                     float64
}

func dbStats(db *sql.DB) dbCounters {
	var c dbCounters
	db.QueryRow(`SELECT xact_commit, xact_rollback FROM pg_stat_database WHERE datname = current_database()`).Scan(&c.commits, &c.rollbacks)
	db.QueryRow(`SELECT sessions, active_time FROM pg_stat_database WHERE datname = current_database()`).Scan(&c.sessions, &c.activeMs)
	return c
}

// report prints the top statements of the database by total execution
// time since the last reset, per page exported.
func (s *statements) report(what string, pages int) {
	if s.schema == "" {
		return
	}
	rows, err := s.db.Query(`SELECT calls, total_exec_time, rows, sum(total_exec_time) OVER (), sum(calls) OVER (), query
		FROM ` + s.schema + `.pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
		ORDER BY total_exec_time DESC`)
	if err != nil {
		fmt.Fprintf(os.Stderr, "queue bench: --pg-statements: %v\n", err)
		return
	}
	defer rows.Close()
	var lines []string
	var allMs float64
	var allCalls int64
	for i := 0; rows.Next(); i++ {
		var calls, n, sumCalls int64
		var ms, sumMs float64
		var q string
		if err := rows.Scan(&calls, &ms, &n, &sumMs, &sumCalls, &q); err != nil {
			return
		}
		allMs, allCalls = sumMs, sumCalls
		if i >= s.top {
			continue
		}
		q = strings.Join(strings.Fields(q), " ")
		if len(q) > 110 {
			q = q[:110] + "…"
		}
		lines = append(lines, fmt.Sprintf("| %d | %.2f | %.1f | %.3f | %d | `%s` |", calls, float64(calls)/float64(pages), ms, ms/float64(max(calls, 1)), n, strings.ReplaceAll(q, "|", `\|`)))
	}
	fmt.Printf("\nTop %d statements by total execution time, %s (all statements: %d calls, %.0f ms):\n\n", s.top, what, allCalls, allMs)
	fmt.Println("| calls | calls/page | total ms | mean ms | rows | statement |")
	fmt.Println("|---:|---:|---:|---:|---:|---|")
	for _, l := range lines {
		fmt.Println(l)
	}
}
