package store

import (
	"context"
	"testing"

	"github.com/openintegrator/integrator/host/store/storetest"
)

// backend is a database the contract suite runs against.
type backend struct {
	name string
	// place returns where a new, empty store opens (open's argument): a
	// folder for SQLite, a URL naming a schema of its own for PostgreSQL.
	place func(t *testing.T) string
}

var sqliteBackend = backend{name: "sqlite", place: func(t *testing.T) string { return t.TempDir() }}

var postgresBackend = backend{name: "postgres", place: postgresPlace}

// eachBackend runs a behaviour test against every backend, as subtests
// named after them. The PostgreSQL one is skipped, saying why, when
// INTEGRATOR_TEST_POSTGRES is not set.
func eachBackend(t *testing.T, test func(t *testing.T, b backend)) {
	for _, b := range []backend{sqliteBackend, postgresBackend} {
		t.Run(b.name, func(t *testing.T) { test(t, b) })
	}
}

// postgresPlace makes a schema of its own for the test, dropped at its
// end, and returns the URL of INTEGRATOR_TEST_POSTGRES with that schema
// as its search_path.
func postgresPlace(t *testing.T) string {
	t.Helper()
	return storetest.PostgresURL(t, "the PostgreSQL half of the store's contract tests is SKIPPED (run them with 'make test-postgres', or set it to a postgres:// URL)")
}

// openPlace opens the store at a place of a backend.
func openPlace(ctx context.Context, place string) (*Store, error) {
	if IsURL(place) {
		return OpenURL(ctx, place)
	}
	return Open(ctx, place)
}
