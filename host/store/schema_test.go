package store

import (
	"context"
	"fmt"
	"slices"
	"testing"
)

// The two schemas have the same tables and columns (in the same order),
// the same primary keys and the same version, so that one query text
// runs on both and store copy moves every column.
func TestSchemasMatch(t *testing.T) {
	ctx := context.Background()
	lite := open(t, sqliteBackend.place(t))
	pg := open(t, postgresBackend.place(t))
	if len(migrations) != len(pgMigrations) || lite.Migrated[1] != pg.Migrated[1] {
		t.Fatalf("%d SQLite migrations, %d PostgreSQL ones", len(migrations), len(pgMigrations))
	}
	lt, err := lite.tables(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pt, err := pg.tables(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(lt) != fmt.Sprint(pt) {
		t.Fatalf("tables differ:\nsqlite   %v\npostgres %v", lt, pt)
	}
	for _, table := range lt {
		lc, lk, err := lite.columns(ctx, table)
		if err != nil {
			t.Fatal(err)
		}
		pc, pk, err := pg.columns(ctx, table)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(lc, pc) || !slices.Equal(lk, pk) {
			t.Errorf("%s differs:\nsqlite   %v key %v\npostgres %v key %v", table, lc, lk, pc, pk)
		}
	}
}
