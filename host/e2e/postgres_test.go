package e2e

import (
	"bytes"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver

	"github.com/openintegrator/integrator/host/store/storetest"
)

// pgSchemaURL makes a schema of its own on INTEGRATOR_TEST_POSTGRES for
// the test (dropped at its end) and returns a URL naming it, with a
// password in it (the throwaway server trusts local connections, so any
// password passes) that must never show. It skips the test without
// INTEGRATOR_TEST_POSTGRES.
func pgSchemaURL(t *testing.T, password string) (string, *sql.DB) {
	t.Helper()
	schemaURL := storetest.PostgresURL(t, "the PostgreSQL end-to-end tests are SKIPPED (make test-postgres runs them)")
	db, err := sql.Open("pgx", schemaURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	u, err := url.Parse(schemaURL)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(u.User.Username(), password)
	return u.String(), db
}

// pgDump is every value of every row of the store's tables, as text.
func pgDump(t *testing.T, db *sql.DB) string {
	t.Helper()
	rows, err := db.Query(`SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	var dump bytes.Buffer
	for _, table := range tables {
		var text sql.NullString
		if err := db.QueryRow(`SELECT string_agg(t::text, E'\n') FROM ` + table + ` t`).Scan(&text); err != nil {
			t.Fatal(err)
		}
		dump.WriteString(text.String)
		// bytea shows as hex: look for the secrets there too.
		dump.WriteString(hex.EncodeToString([]byte(text.String)))
	}
	return dump.String()
}

// A one-machine setup moves to PostgreSQL: store copy carries the
// connection (secrets still sealed), the plugin trust and the export's
// checkpoint; then, with INTEGRATOR_STORE set, the connection passes its
// test and exports the same records. store migrate says what it did; a
// second copy into the full store is refused and changes nothing; a
// command with another master key is refused naming both key ids; the
// store URL's password and the connection's secrets show nowhere.
func TestStoreMovesToPostgres(t *testing.T) {
	const password = "pg-Passw0rd-never-shown"
	pgURL, db := pgSchemaURL(t, password)
	sim, home := flowHome(t, "--campaigns", "450")
	var outputs []string
	record := func(r result) result { outputs = append(outputs, r.stdout, r.stderr); return r }

	before := filepath.Join(t.TempDir(), "before.jsonl")
	record(mustRun(t, home, nil, exportArgs(sim, before)...))

	pg := []string{"INTEGRATOR_STORE=" + pgURL}
	r := record(mustRun(t, home, pg, "store", "migrate"))
	if !strings.Contains(r.stdout, "Created the postgres store") || !strings.Contains(r.stdout, "schema version") {
		t.Errorf("store migrate on a new database:\n%s", r.stdout)
	}
	r = record(mustRun(t, home, pg, "store", "migrate"))
	if !strings.Contains(r.stdout, "is up to date") {
		t.Errorf("store migrate again:\n%s", r.stdout)
	}
	r = record(mustRun(t, home, pg, "store", "copy", "--from", "sqlite"))
	for _, want := range []string{"connections 1 row", "connection_secrets 3 rows", "plugins 1 row", "export_runs 1 row", "sealed"} {
		if !strings.Contains(strings.Join(strings.Fields(r.stdout), " "), want) {
			t.Errorf("store copy output lacks %q:\n%s", want, r.stdout)
		}
	}
	dump := pgDump(t, db)
	if !strings.Contains(dump, "Prod") {
		t.Fatalf("the connection is not in PostgreSQL:\n%.500s", dump)
	}
	for _, s := range sim.secrets() {
		if strings.Contains(dump, s) || strings.Contains(dump, hex.EncodeToString([]byte(s))) {
			t.Errorf("a secret is in clear in PostgreSQL")
		}
	}

	// A second copy is refused, and the store keeps what it holds.
	r = record(integrator(t, home, pg, "store", "copy", "--from", "sqlite"))
	if r.code != 1 || !strings.Contains(r.stderr, "not empty") || !strings.Contains(r.stderr, "nothing was copied") || !strings.Contains(r.stderr, "--replace") {
		t.Errorf("copy into a full store: exit %d\n%s", r.code, r.stderr)
	}
	if pgDump(t, db) != dump {
		t.Error("a refused copy changed the store")
	}

	// The home's SQLite file goes away: everything comes from PostgreSQL.
	for _, f := range []string{"integrator.db", "integrator.db-wal", "integrator.db-shm"} {
		os.Remove(filepath.Join(home, f))
	}
	r = record(mustRun(t, home, pg, "connections", "test", "Prod"))
	after := filepath.Join(t.TempDir(), "after.jsonl")
	record(mustRun(t, home, pg, exportArgs(sim, after)...))
	a, _ := os.ReadFile(before)
	b, _ := os.ReadFile(after)
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Errorf("the export from PostgreSQL differs: %d bytes before, %d after", len(a), len(b))
	}
	if _, err := os.Stat(filepath.Join(home, "integrator.db")); err == nil {
		t.Error("an SQLite store was made although INTEGRATOR_STORE names PostgreSQL")
	}

	// Another master key is refused, naming both ids.
	other := make([]byte, 32)
	rand.Read(other)
	otherKey := base64.StdEncoding.EncodeToString(other)
	fileKey, err := os.ReadFile(filepath.Join(home, "master.key"))
	if err != nil {
		t.Fatal(err)
	}
	r = record(integrator(t, home, append([]string{"INTEGRATOR_MASTER_KEY=" + otherKey}, pg...), "connections", "test", "Prod"))
	if r.code == 0 || !strings.Contains(r.stderr, masterKeyID(t, otherKey)) || !strings.Contains(r.stderr, masterKeyID(t, string(fileKey))) {
		t.Errorf("a command with another master key: exit %d\n%s", r.code, r.stderr)
	}

	// The password never shows, even in an error of a server that is
	// down; and --store refuses a URL with a password.
	down := strings.Replace(pgURL, "127.0.0.1:", "127.0.0.1:1", 1)
	r = record(integrator(t, home, []string{"INTEGRATOR_STORE=" + down + "&connect_timeout=2"}, "store", "migrate"))
	if r.code == 0 || !strings.Contains(r.stderr, "xxxxx") {
		t.Errorf("store migrate with a server down: exit %d\n%s", r.code, r.stderr)
	}
	r = record(integrator(t, home, nil, "--store", pgURL, "connections", "list"))
	if r.code == 0 || !strings.Contains(r.stderr, "PGPASSWORD") {
		t.Errorf("--store with a password: exit %d\n%s", r.code, r.stderr)
	}
	for _, out := range outputs {
		if strings.Contains(out, password) {
			t.Errorf("the store's password shows:\n%s", out)
		}
		for _, s := range sim.secrets() {
			if strings.Contains(out, s) {
				t.Errorf("a secret shows:\n%s", out)
			}
		}
	}
}
