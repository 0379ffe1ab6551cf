package app

import (
	"context"
	"fmt"

	"github.com/openintegrator/integrator/host/store"
	"github.com/openintegrator/integrator/host/store/queue"
)

// Migration is what MigrateStore did.
type Migration struct {
	Where    string // the SQLite file, or the URL without its password
	Backend  string // "sqlite" or "postgres"
	From, To int    // the schema version found and the one left
	// Queue is how many of River's migrations (the queue's tables, on
	// PostgreSQL) were applied.
	Queue int
}

// MigrateStore creates or upgrades the store's schema (opening a store
// does it) and says what it did.
func (a *App) MigrateStore(ctx context.Context) (Migration, error) {
	st, err := a.store(ctx)
	if err != nil {
		return Migration{}, err
	}
	m := Migration{Where: st.Where, Backend: st.Backend(), From: st.Migrated[0], To: st.Migrated[1]}
	if st.Backend() != "postgres" {
		return m, nil
	}
	if m.Queue, err = queue.Migrate(ctx, st); err != nil {
		return m, err
	}
	return m, a.recordMasterKey(ctx, st)
}

// StoreCopy is what CopyStore did.
type StoreCopy struct {
	From, To string // where, without passwords
	Tables   []string
	Rows     map[string]int64 // by table
}

// CopyStore copies everything in the store at from into the store at to
// (the configured store when to.Value is ""), secrets still sealed: see
// store.Copy. It refuses a target that holds data unless replace is
// true, and a source with a run in progress.
func (a *App) CopyStore(ctx context.Context, from, to Location, replace bool) (StoreCopy, error) {
	h, err := a.HomeDir()
	if err != nil {
		return StoreCopy{}, err
	}
	if to.Value == "" {
		to = a.storeLocation()
	}
	if describeLocation(from, h) == describeLocation(to, h) {
		return StoreCopy{}, &InputError{Field: from.Source, Problem: "the source and the target are the same store: copy into another one"}
	}
	src, err := openStore(ctx, from, h)
	if err != nil {
		return StoreCopy{}, fmt.Errorf("the source store: %w", err)
	}
	defer src.Close()
	dst, err := openStore(ctx, to, h)
	if err != nil {
		return StoreCopy{}, fmt.Errorf("the target store: %w", err)
	}
	defer dst.Close()
	n, err := store.Copy(ctx, src, dst, replace)
	if err != nil {
		return StoreCopy{}, err
	}
	return StoreCopy{From: src.Where, To: dst.Where, Tables: n.Tables, Rows: n.Rows}, nil
}
