package store

import (
	"context"
	"testing"
)

// Opening a store on PostgreSQL whose schema is up to date (every
// integrator command but the first does) writes nothing: the schema's
// version row is not rewritten, so a command costs the server no row
// version and no WAL of its own before it does its work.
func TestOpenUpToDateWritesNothing(t *testing.T) {
	ctx := context.Background()
	url := postgresPlace(t)
	first, err := OpenURL(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	var xmin0 string
	if err := first.db.QueryRowContext(ctx, `SELECT xmin::text FROM integrator_schema`).Scan(&xmin0); err != nil {
		t.Fatal(err)
	}
	again, err := OpenURL(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	var xmin1 string
	if err := first.db.QueryRowContext(ctx, `SELECT xmin::text FROM integrator_schema`).Scan(&xmin1); err != nil {
		t.Fatal(err)
	}
	if xmin1 != xmin0 {
		t.Fatalf("opening an up-to-date store rewrote its schema's version row (xmin %s, then %s)", xmin0, xmin1)
	}
}
