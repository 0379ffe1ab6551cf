package app

import (
	"context"
	"errors"
	"time"

	"github.com/openintegrator/integrator/host/connections"
	"github.com/openintegrator/integrator/host/store"
	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// Connection is a saved connection as it may be shown: a secret setting is
// "(set)", never its value. The store holds secrets only sealed, so none
// is opened to make it.
type Connection struct {
	Name      string            `json:"name"`
	Type      string            `json:"type"`
	ID        string            `json:"id"`
	CreatedAt time.Time         `json:"created_at"`
	UpdatedAt time.Time         `json:"updated_at"`
	LastTest  *TestResult       `json:"last_test"`
	Settings  map[string]string `json:"settings,omitempty"` // only from Connection, not Connections
}

// TestResult is the outcome of a connection's last test.
type TestResult struct {
	OK   bool      `json:"ok"`
	At   time.Time `json:"at"`
	Note string    `json:"note"` // one line, never a secret
}

func view(c store.Connection, withSettings bool) Connection {
	out := Connection{Name: c.Name, Type: c.Type, ID: c.ID, CreatedAt: c.CreatedAt.UTC(), UpdatedAt: c.UpdatedAt.UTC()}
	if t := c.LastTest; t != nil {
		out.LastTest = &TestResult{OK: t.OK, At: t.At.UTC(), Note: t.Note}
	}
	if withSettings {
		out.Settings = map[string]string{}
		for k, v := range c.Values {
			out.Settings[k] = v.Text()
		}
		for k := range c.Secrets {
			if c.Values[k].Type() == schema.KeyValues {
				continue // a list with secret entries: shown above, each secret value as (set)
			}
			out.Settings[k] = schema.Redacted
		}
	}
	return out
}

// saved returns the connections service and the saved connection name.
func (a *App) saved(ctx context.Context, name string) (*connections.Service, store.Connection, error) {
	svc, err := a.service(ctx)
	if err != nil {
		return nil, store.Connection{}, err
	}
	c, err := get(ctx, svc.Store, name)
	return svc, c, err
}

// get finds a connection by name; a *NotFoundError when there is none.
func get(ctx context.Context, st *store.Store, name string) (store.Connection, error) {
	c, err := st.Get(ctx, name)
	return c, notFound(err, name)
}

// notFound turns the store's "no such connection" into a *NotFoundError.
func notFound(err error, name string) error {
	if errors.Is(err, store.ErrNotFound) {
		return &NotFoundError{Name: name}
	}
	return err
}

// Connections lists the saved connections, by name, without their
// settings.
func (a *App) Connections(ctx context.Context) ([]Connection, error) {
	svc, err := a.service(ctx)
	if err != nil {
		return nil, err
	}
	list, err := svc.Store.List(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Connection, 0, len(list))
	for _, c := range list {
		out = append(out, view(c, false))
	}
	return out, nil
}

// Connection returns a saved connection with its settings, secrets
// redacted.
func (a *App) Connection(ctx context.Context, name string) (Connection, error) {
	_, c, err := a.saved(ctx, name)
	if err != nil {
		return Connection{}, err
	}
	return view(c, true), nil
}

// TestConnection tests a saved connection against its API (the plugin's
// Ping) and records the outcome with the connection. The result is
// returned whenever the test ran, also with the error of a test that did
// not pass (a *TestFailedError) or could not be recorded.
func (a *App) TestConnection(ctx context.Context, name string) (*shared.PingResult, error) {
	conn, err := a.OpenConnection(ctx, name)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	res, err := conn.h.Ping(ctx, conn.cfg)
	if err != nil {
		return nil, err
	}
	if err := conn.svc.Store.RecordTest(ctx, conn.ID, store.TestResult{OK: res.OK, At: time.Now(), Note: testNote(res)}); err != nil {
		return &res, err
	}
	if !res.OK {
		return &res, &TestFailedError{Result: res}
	}
	return &res, nil
}

// testNote is the one line stored with a test result.
func testNote(res shared.PingResult) string {
	for _, d := range res.Diagnostics {
		return d.Summary
	}
	if res.OK {
		return "ok"
	}
	return "failed"
}

// Deleted says what deleting a connection removed.
type Deleted struct {
	Name string
	// Work is what the connection had: its unfinished work
	// (Work.Forgotten), when the delete was forced, is forgotten, and its
	// ledger of applied records is gone.
	Work Work
	// Cancelled are its queued runs that had not ended, cancelled with
	// the delete (DeleteOptions.CancelRuns).
	Cancelled []RunStatus
}

// DeleteOptions are how a delete treats what the connection has.
type DeleteOptions struct {
	// Force forgets its unfinished work.
	Force bool
	// CancelRuns cancels its queued runs that have not ended, in the
	// delete's transaction; without it they make the delete refused.
	CancelRuns bool
}

// DeleteConnection is DeleteConnectionWith, forcing as force says and
// cancelling no queued run.
func (a *App) DeleteConnection(ctx context.Context, name string, force bool) (Deleted, error) {
	return a.DeleteConnectionWith(ctx, name, DeleteOptions{Force: force})
}

// DeleteConnectionWith deletes a connection with its sealed secrets, its
// checkpoints and its import ledgers. It refuses (a *InUseError) while a
// run uses it; unless o.CancelRuns, (a *QueuedRunsError) while queued
// runs that have not ended are pinned to it (with it, they are cancelled
// in the delete's transaction: Deleted.Cancelled); and, unless o.Force,
// (a *UnfinishedWorkError) while it has unfinished work; then nothing is
// deleted. The part files of unfinished runs are left where they are.
func (a *App) DeleteConnectionWith(ctx context.Context, name string, o DeleteOptions) (Deleted, error) {
	svc, c, err := a.saved(ctx, name)
	if err != nil {
		return Deleted{}, err
	}
	w, err := work(ctx, svc.Store, c.ID)
	if err != nil {
		return Deleted{}, err
	}
	if len(w.Running) > 0 {
		return Deleted{}, &InUseError{Name: c.Name, Runs: w.Running}
	}
	queued, err := a.queuedRunsOf(ctx, svc.Store, c.ID)
	if err != nil {
		return Deleted{}, err
	}
	if len(queued) > 0 && !o.CancelRuns {
		return Deleted{}, &QueuedRunsError{Name: c.Name, Runs: queued}
	}
	if len(w.Forgotten()) > 0 && !o.Force {
		return Deleted{}, &UnfinishedWorkError{Name: c.Name, Work: w}
	}
	var cancelled []RunStatus
	guard, err := a.runsGuard(ctx, svc.Store, c.Name, "", queued, false, o.CancelRuns, &cancelled)
	if err != nil {
		return Deleted{}, err
	}
	if err := svc.Store.DeleteGuarded(ctx, c.Name, guard); err != nil {
		var qe *QueuedRunsError
		switch {
		case errors.As(err, &qe):
			return Deleted{}, qe
		case errors.Is(err, store.ErrInUse):
			return Deleted{}, &InUseError{Name: c.Name}
		}
		return Deleted{}, notFound(err, c.Name)
	}
	return Deleted{Name: c.Name, Work: w, Cancelled: cancelled}, nil
}
