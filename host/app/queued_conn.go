package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/openintegrator/integrator/host/connections"
	"github.com/openintegrator/integrator/host/store"
	"github.com/openintegrator/integrator/schema"
)

// A queued run is pinned to the connection it was queued against: its
// history row holds the connection's id (and its name then), its options'
// queuedMark the connection's type then, and every job opens the
// connection by that id. A job runs, possibly much later and on another
// machine, long after the name was resolved: opening by name would send
// the run's requests, with another connection's credentials, to whatever
// host a connection created since under the same name points at.

// markFor is the queuedMark of a run queued against c.
func markFor(c store.Connection) queuedMark {
	return queuedMark{Queued: true, ConnectionType: c.Type}
}

// RunConnectionError is a queued run whose connection can no longer run
// it: deleted since the run was queued (another connection may have taken
// its name), or converted to another type. Its job ends the run at once,
// before any request is sent.
type RunConnectionError struct {
	RunID   string
	Name    string // the connection's name when the run was queued
	Deleted bool   // else converted from WasType to NowType
	// Retaken: a connection of that name exists now (another one).
	Retaken          bool
	WasType, NowType string
	// Started: jobs of the run ran before (what they stored stays);
	// else nothing of the run was sent at all.
	Started bool
}

func (e *RunConnectionError) Error() string {
	sent := "nothing of the run was sent"
	if e.Started {
		sent = "nothing of the run was sent through another connection, and its other jobs are cancelled (what its jobs did before stays: integrator runs show " + e.RunID + ")"
	}
	again := "queue the run again against the connection you mean (the same command with --queue and that connection's name)"
	if !e.Deleted {
		return fmt.Sprintf("the connection %q was converted from %s to %s after run %s was queued, and the run's path and options were checked for %s: %s; %s",
			e.Name, e.WasType, e.NowType, e.RunID, e.WasType, sent, again)
	}
	other := ""
	if e.Retaken {
		other = fmt.Sprintf(" (the connection named %q now is another one, which the run does not use)", e.Name)
	}
	return fmt.Sprintf("the connection %q was deleted after run %s was queued%s: %s; %s", e.Name, e.RunID, other, sent, again)
}

// openRunConnection opens the connection run was queued against, by its
// id: a connection renamed or edited since is the same connection and
// runs (with its settings now); one deleted, or converted to another type,
// is a *RunConnectionError. run is as the job read it before starting it.
func (a *App) openRunConnection(ctx context.Context, run store.HistoryRun) (*connections.Service, store.Connection, schema.Config, error) {
	svc, err := a.service(ctx)
	if err != nil {
		return nil, store.Connection{}, nil, err
	}
	if run.ConnectionID == "" {
		// Every queued run records its connection's id (run_history's
		// connection_id is NOT NULL, filled by each --queue path): this is
		// a row written by hand. Opening by name is what pinning prevents.
		return nil, store.Connection{}, nil, fmt.Errorf("run %s records no connection id, so the connection %q it was queued against cannot be told from another of that name: nothing was sent; queue the run again", run.ID, run.Connection)
	}
	var mark queuedMark
	_ = json.Unmarshal([]byte(run.Options), &mark)
	started := run.Outcome != store.OutcomeQueued
	c, cfg, err := svc.OpenByID(ctx, run.ConnectionID)
	if errors.Is(err, store.ErrNotFound) {
		_, gerr := svc.Store.Get(ctx, run.Connection)
		return nil, store.Connection{}, nil, &RunConnectionError{RunID: run.ID, Name: run.Connection, Deleted: true, Retaken: gerr == nil, Started: started}
	}
	if err != nil {
		return nil, store.Connection{}, nil, err
	}
	// A run queued before its type was recorded has none: its id alone
	// pins it (a conversion is rare, and refused while a run holds it).
	if mark.ConnectionType != "" && c.Type != mark.ConnectionType {
		return nil, store.Connection{}, nil, &RunConnectionError{RunID: run.ID, Name: run.Connection, WasType: mark.ConnectionType, NowType: c.Type, Started: started}
	}
	return svc, c, cfg, nil
}
