package flows

import (
	"context"
	"sync"

	"github.com/openintegrator/integrator/host/store"
)

// ledger writes an import's record states to the store. Writes that
// arrive while one is committing are grouped into the next transaction,
// so that concurrent workers share commits (each a disk sync) instead of
// queueing for one each. A write returns once it is durable.
type ledger struct {
	store *store.Store
	runID string

	mu      sync.Mutex
	pending []store.ImportRecord
	waiters []chan error
	busy    bool
}

func newLedger(s *store.Store, runID string) *ledger { return &ledger{store: s, runID: runID} }

// sending marks lines as about to be sent.
func (l *ledger) sending(lines []int64) error {
	recs := make([]store.ImportRecord, len(lines))
	for i, line := range lines {
		recs[i] = store.ImportRecord{Line: line, State: store.ImportSending}
	}
	return l.write(recs)
}

// write stores recs, in one transaction with whatever else is waiting.
// It is not cancelled with the run: an outcome that is known is kept.
func (l *ledger) write(recs []store.ImportRecord) error {
	done := make(chan error, 1)
	l.mu.Lock()
	l.pending = append(l.pending, recs...)
	l.waiters = append(l.waiters, done)
	if !l.busy {
		l.busy = true
		go l.commit()
	}
	l.mu.Unlock()
	return <-done
}

// commit writes what is pending until nothing is.
func (l *ledger) commit() {
	for {
		l.mu.Lock()
		recs, waiters := l.pending, l.waiters
		l.pending, l.waiters = nil, nil
		if len(waiters) == 0 {
			l.busy = false
			l.mu.Unlock()
			return
		}
		l.mu.Unlock()
		err := l.store.RecordImports(context.Background(), l.runID, recs)
		for _, w := range waiters {
			w <- err
		}
	}
}
