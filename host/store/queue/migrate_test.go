package queue

import (
	"context"
	"testing"

	"github.com/openintegrator/integrator/host/store"
	"github.com/openintegrator/integrator/host/store/storetest"
)

// Once River's tables are up to date, bringing them up to date again (as
// every integrator command that opens the queue does) applies nothing and
// needs one connection to the server, not two: on PostgreSQL each
// connection is a backend process of its own, and the second one was
// about half the server's CPU in the queue benchmark.
func TestMigrateUpToDateUsesOneConnection(t *testing.T) {
	ctx := context.Background()
	url := storetest.PostgresURL(t, "the queue's tests need PostgreSQL and are SKIPPED (run them with 'make test-postgres' or .ci/with-postgres)")
	first, err := store.OpenURL(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	if n, err := Migrate(ctx, first); err != nil || n == 0 {
		t.Fatalf("first Migrate: %d migrations, %v; want some applied", n, err)
	}
	// Another process's command: a store of its own over the same schema.
	again, err := store.OpenURL(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	db, err := again.QueueDB()
	if err != nil {
		t.Fatal(err)
	}
	before := db.Stats().OpenConnections
	if n, err := Migrate(ctx, again); err != nil || n != 0 {
		t.Fatalf("Migrate of an up-to-date store: %d migrations, %v; want 0", n, err)
	}
	if got := db.Stats().OpenConnections; got > max(before, 1) {
		t.Fatalf("Migrate of an up-to-date store opened %d connections to the server (had %d); want at most 1", got, before)
	}
}
