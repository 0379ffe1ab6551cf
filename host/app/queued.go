package app

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/riverqueue/river"

	"github.com/openintegrator/integrator/host/store"
)

// QueuedRun is a run queued for the workers.
type QueuedRun struct {
	ID   string
	Kind string // export, import or report
	What string // what it does, for people
}

// queuedMark is the part of every queued run's options JSON that marks it
// queued: the workers run it, no process holds it (see RunManager.record).
type queuedMark struct {
	Queued bool `json:"queued"`
	// ConnectionType is the type of the connection the run was queued
	// against (its id is the history row's): a job refuses the run if a
	// conversion changed it (see openRunConnection). Empty in runs queued
	// before it was recorded.
	ConnectionType string `json:"connection_type,omitempty"`
}

// isQueued reports whether a run of the history was queued for workers.
func isQueued(h store.HistoryRun) bool {
	var m queuedMark
	return json.Unmarshal([]byte(h.Options), &m) == nil && m.Queued
}

// queueRun records a queued run of connection c (its id and name) with
// its options and inserts its first job, in one transaction: a run is
// never queued without its job. what names it for people; opts must embed
// markFor(c), and hold no secret. flag is how the front end asked for it
// ("--queue"), for errors.
func (a *App) queueRun(ctx context.Context, flag, kind string, c store.Connection, what string, opts any, first river.JobArgs) (QueuedRun, error) {
	_, q, err := a.insertQueue(ctx, flag)
	if err != nil {
		return QueuedRun{}, err
	}
	js, err := json.Marshal(opts)
	if err != nil {
		return QueuedRun{}, err
	}
	id := runIDOf(first)
	h := store.HistoryRun{ID: id, Kind: kind, ConnectionID: c.ID, Connection: c.Name, What: what, Options: string(js), StartedAt: time.Now()}
	st, err := a.store(ctx)
	if err != nil {
		return QueuedRun{}, err
	}
	err = st.QueueRun(ctx, h, func(tx *sql.Tx) error {
		_, err := q.Insert(ctx, tx, first)
		return err
	})
	if err != nil {
		return QueuedRun{}, err
	}
	return QueuedRun{ID: id, Kind: kind, What: what}, nil
}

// runIDOf is the run id a job's args hold.
func runIDOf(args river.JobArgs) string {
	js, _ := json.Marshal(args)
	var a struct {
		RunID string `json:"run_id"`
	}
	_ = json.Unmarshal(js, &a)
	return a.RunID
}
