package app

import (
	"context"
	"fmt"
	"time"

	"github.com/openintegrator/integrator/host/store"
)

// Run is a run in progress: what it does and which process runs it
// (String says both).
type Run = store.Owner

// Unfinished is an export or report that stopped before its end and can
// be resumed: its output's part file holds what it saved.
type Unfinished = store.Unfinished

// Work is what a connection has in progress, and what it left unfinished.
type Work struct {
	Running    []Run        // runs in progress, in the order they started
	Unfinished []Unfinished // exports and reports that stopped before their end, oldest first
	InFlight   int64        // imported records a stopped import left in flight (they may have been applied)
	Unknown    int64        // imported records whose outcome is unknown
	Applied    int64        // imported records the ledger holds as applied
}

// Forgotten describes, a line each, the unfinished work that deleting the
// connection would forget.
func (w Work) Forgotten() []string {
	var out []string
	for _, u := range w.Unfinished {
		what := u.What
		if what == "" {
			what = fmt.Sprintf("%s to %s", u.Kind, u.OutPath)
		}
		out = append(out, fmt.Sprintf("%s, stopped at %s (%s.part holds what it saved)", what, u.UpdatedAt.Format(time.DateTime), u.OutPath))
	}
	if w.InFlight > 0 {
		out = append(out, fmt.Sprintf("%s that a stopped import left in flight (they may have been applied)", plural(int(w.InFlight), "imported record")))
	}
	if w.Unknown > 0 {
		out = append(out, fmt.Sprintf("%s whose outcome is unknown", plural(int(w.Unknown), "imported record")))
	}
	return out
}

// Work returns what the connection name has in progress and left
// unfinished. Runs whose process is gone are not in progress (their
// leases are cleared).
func (a *App) Work(ctx context.Context, name string) (Work, error) {
	svc, c, err := a.saved(ctx, name)
	if err != nil {
		return Work{}, err
	}
	return work(ctx, svc.Store, c.ID)
}

func work(ctx context.Context, st *store.Store, connectionID string) (Work, error) {
	var w Work
	var err error
	if w.Running, err = st.Running(ctx, connectionID); err != nil {
		return w, err
	}
	if w.Unfinished, err = st.UnfinishedRuns(ctx, connectionID); err != nil {
		return w, err
	}
	counts, err := st.ImportCounts(ctx, connectionID)
	if err != nil {
		return w, err
	}
	w.InFlight, w.Unknown, w.Applied = counts[store.ImportSending], counts[store.ImportUnknown], counts[store.ImportOK]
	return w, nil
}
