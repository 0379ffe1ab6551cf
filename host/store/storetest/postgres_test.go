package storetest

import (
	"database/sql"
	"net/url"
	"os"
	"testing"
)

// A test's URL selects a schema of its own, which is there while the test
// runs and gone when it has ended.
func TestPostgresURLMakesAndDropsASchema(t *testing.T) {
	var schemaURL, schema string
	t.Run("test", func(t *testing.T) {
		schemaURL = PostgresURL(t, "this test of the storetest package needs PostgreSQL and is SKIPPED (make test-postgres runs it)")
		u, err := url.Parse(schemaURL)
		if err != nil {
			t.Fatal(err)
		}
		schema = u.Query().Get("search_path")
		db, err := sql.Open("pgx", schemaURL)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var current string
		if err := db.QueryRow(`SELECT current_schema()`).Scan(&current); err != nil {
			t.Fatal(err)
		}
		if current != schema || schema == "" || schema == "public" {
			t.Fatalf("the URL's current schema is %q, its search_path %q: want a schema of the test's own", current, schema)
		}
	})
	if schemaURL == "" {
		t.Skip(Env + " is not set: this test of the storetest package needs PostgreSQL and is SKIPPED (make test-postgres runs it)")
	}
	db, err := sql.Open("pgx", os.Getenv(Env))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM information_schema.schemata WHERE schema_name = $1`, schema).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("the schema %s is still there after its test ended", schema)
	}
}

// Without the server's URL the test is skipped, not failed.
func TestPostgresURLSkipsWithoutTheServer(t *testing.T) {
	t.Setenv(Env, "")
	var inner *testing.T
	t.Run("test", func(t *testing.T) {
		inner = t
		PostgresURL(t, "skipped as it should be")
		t.Error("PostgresURL returned without " + Env)
	})
	if !inner.Skipped() {
		t.Error("the test was not skipped")
	}
}
