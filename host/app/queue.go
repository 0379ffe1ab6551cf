package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/openintegrator/integrator/host/store"
	"github.com/openintegrator/integrator/host/store/queue"
)

// ErrNeedsPostgres is returned (wrapped) by a use case of queued runs on
// a store on SQLite.
var ErrNeedsPostgres = store.ErrNoQueue

// openQueue opens the queue over the app's store (River's tables made or
// upgraded first); on SQLite, an error naming INTEGRATOR_STORE and
// --store. what says what needs it ("integrator worker", "--queue").
func (a *App) openQueue(ctx context.Context, what string, o queue.Options) (*store.Store, *queue.Queue, error) {
	st, err := a.store(ctx)
	if err != nil {
		return nil, nil, err
	}
	q, err := queue.Open(ctx, st, o)
	if errors.Is(err, store.ErrNoQueue) {
		return nil, nil, fmt.Errorf("%s: %w, and the store is the SQLite file %s: set %s (or --store) to the postgres:// URL every worker shares; nothing was done",
			what, store.ErrNoQueue, st.Where, StoreEnv)
	}
	if err != nil {
		return nil, nil, err
	}
	return st, q, nil
}

// insertQueue returns the queue to insert and cancel jobs with (no
// workers), opened on first use.
func (a *App) insertQueue(ctx context.Context, what string) (*store.Store, *queue.Queue, error) {
	a.mu.Lock()
	q := a.iq
	a.mu.Unlock()
	if q != nil {
		st, err := a.store(ctx)
		return st, q, err
	}
	st, q, err := a.openQueue(ctx, what, queue.Options{})
	if err != nil {
		return nil, nil, err
	}
	a.mu.Lock()
	a.iq = q
	a.mu.Unlock()
	return st, q, nil
}
