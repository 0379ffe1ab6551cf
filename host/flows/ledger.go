package flows

import (
	"context"
	"strings"
	"sync"

	"github.com/openintegrator/integrator/host/store"
)

// ledger is an import run's view of its ledger in the store: it claims
// records before their requests go out and stores their outcomes after.
// Changes that arrive while one transaction commits are grouped into the
// next, so that concurrent workers share commits (each a disk sync)
// instead of queueing for one each. A change returns once it is durable.
type ledger struct {
	store  *store.Store
	id     store.Ledger
	policy store.ClaimPolicy

	mu      sync.Mutex
	pending []*store.LedgerOp
	waiters []chan error
	busy    bool
	lost    int64 // outcomes that could not be written

}

func newLedger(s *store.Store, id store.Ledger, policy store.ClaimPolicy) *ledger {
	return &ledger{store: s, id: id, policy: policy}
}

// claim takes the records for this run, in the transaction that checks
// them; Claims says, in order, which were taken and what holds the others.
func (l *ledger) claim(keys []store.RecordKey) ([]store.Claim, error) {
	op := &store.LedgerOp{Claim: keys, Policy: l.policy}
	if err := l.apply(op); err != nil {
		return nil, err
	}
	return op.Claims, nil
}

// ours reports whether owner, of a ledger entry, is an attempt of this
// queued run (policy.Attempts): what it did is this run's outcome, not
// one done before. A run in one process claims each record once, and
// nothing is ours.
func (l *ledger) ours(owner string) bool {
	return l.policy.Attempts != "" && strings.HasPrefix(owner, l.policy.Attempts)
}

// write stores outcomes of records this run owns. It is not cancelled
// with the run: an outcome that is known is kept.
func (l *ledger) write(recs []store.ImportRecord) error {
	if len(recs) == 0 {
		return nil
	}
	for i := range recs {
		recs[i].Owner = l.policy.RunID
	}
	err := l.apply(&store.LedgerOp{Record: recs})
	if err != nil {
		l.mu.Lock()
		l.lost += int64(len(recs))
		l.mu.Unlock()
	}
	return err
}

// lostOutcomes is how many outcomes could not be written.
func (l *ledger) lostOutcomes() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lost
}

// apply commits op, in one transaction with whatever else is waiting.
func (l *ledger) apply(op *store.LedgerOp) error {
	done := make(chan error, 1)
	l.mu.Lock()
	l.pending = append(l.pending, op)
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
		ops, waiters := l.pending, l.waiters
		l.pending, l.waiters = nil, nil
		if len(waiters) == 0 {
			l.busy = false
			l.mu.Unlock()
			return
		}
		l.mu.Unlock()
		err := l.store.ApplyLedger(context.Background(), l.id, ops)
		for _, w := range waiters {
			w <- err
		}
	}
}
