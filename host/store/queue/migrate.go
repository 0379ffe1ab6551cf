package queue

import (
	"context"
	"fmt"

	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/openintegrator/integrator/host/store"
)

// Migrate creates or upgrades River's tables in the store's schema (they
// are named river_*; the store's own tables are left alone), one process
// at a time, and returns how many of River's migrations it applied.
func Migrate(ctx context.Context, st *store.Store) (int, error) {
	db, err := st.QueueDB()
	if err != nil {
		return 0, err
	}
	m, err := rivermigrate.New(riverdatabasesql.New(db), nil)
	if err != nil {
		return 0, err
	}
	// Up to date (every start but the first): nothing to apply, so no
	// lock. The lock needs a connection of its own besides the one the
	// migrator reads with, and on the server every connection is a new
	// backend process (tens of ms of its CPU): taken by every command,
	// it doubled the connections the server makes a command.
	if v, err := m.Validate(ctx, nil); err == nil && v.OK {
		return 0, nil
	}
	// Two processes starting at once: the second waits for the first's
	// lock (a session lock on a connection of its own: River applies its
	// migrations one transaction each), then finds nothing to do.
	conn, err := db.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	const lock = `hashtext(current_schema() || ':river migration')`
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(`+lock+`)`); err != nil {
		return 0, err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(`+lock+`)`)
	res, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return 0, fmt.Errorf("the queue's tables: %w", err)
	}
	return len(res.Versions), nil
}
