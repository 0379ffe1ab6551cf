package store

import (
	"context"
	"fmt"
	"sync"
	"testing"
)

func apply(t *testing.T, s *Store, l Ledger, ops ...*LedgerOp) {
	t.Helper()
	if err := s.ApplyLedger(context.Background(), l, ops); err != nil {
		t.Fatal(err)
	}
}

func claimOne(t *testing.T, s *Store, l Ledger, k RecordKey, p ClaimPolicy) Claim {
	t.Helper()
	op := &LedgerOp{Claim: []RecordKey{k}, Policy: p}
	apply(t, s, l, op)
	return op.Claims[0]
}

func TestImportLedger(t *testing.T) { eachBackend(t, testImportLedger) }

func testImportLedger(t *testing.T, be backend) {
	ctx := context.Background()
	home := be.place(t)
	s := open(t, home)
	if err := s.Create(ctx, conn("c1", "ads")); err != nil {
		t.Fatal(err)
	}
	l := Ledger{ConnectionID: "c1", Scope: "scope1"}
	a, b, c := RecordKey{"h-a", 1}, RecordKey{"h-b", 1}, RecordKey{"h-a", 2}
	op := &LedgerOp{Claim: []RecordKey{a, b, c}, Policy: ClaimPolicy{RunID: "run1"}}
	apply(t, s, l, op)
	for _, cl := range op.Claims {
		if !cl.Taken {
			t.Fatalf("first claim of %v not taken: %+v", cl.Key, cl)
		}
	}
	apply(t, s, l, &LedgerOp{Record: []ImportRecord{
		{Key: a, State: ImportOK, Status: 200, CreatedID: "abc", Owner: "run1"},
		{Key: b, State: ImportFailed, Status: 400, Code: "INVALID_PARAMETER", Message: "name is too long", Owner: "run1"},
	}})
	// Another process sees every state.
	other := open(t, home)
	if r, ok, err := other.ImportOutcome(ctx, l, a); err != nil || !ok || r.State != ImportOK || r.CreatedID != "abc" || r.Status != 200 {
		t.Errorf("a: %+v %v %v", r, ok, err)
	}
	if r, _, _ := other.ImportOutcome(ctx, l, b); r.State != ImportFailed || r.Code != "INVALID_PARAMETER" || r.Message != "name is too long" {
		t.Errorf("b: %+v", r)
	}
	if r, _, _ := other.ImportOutcome(ctx, l, c); r.State != ImportSending || r.Owner != "run1" {
		t.Errorf("c: %+v", r)
	}
	if _, ok, _ := other.ImportOutcome(ctx, Ledger{ConnectionID: "c1", Scope: "scope2"}, a); ok {
		t.Error("another scope sees the record")
	}

	// A second run: the done record is held, the failed one taken, and the
	// one left sending by a run that is gone becomes unknown.
	p2 := ClaimPolicy{RunID: "run2"}
	if cl := claimOne(t, s, l, a, p2); cl.Taken || cl.Held.State != ImportOK {
		t.Errorf("done record: %+v", cl)
	}
	if cl := claimOne(t, s, l, b, p2); !cl.Taken {
		t.Errorf("failed record: %+v", cl)
	}
	if cl := claimOne(t, s, l, c, p2); cl.Taken || cl.Held.State != ImportUnknown || cl.Held.Code != CodeOutcomeUnknown {
		t.Errorf("record left sending: %+v", cl)
	}
	if r, _, _ := s.ImportOutcome(ctx, l, c); r.State != ImportUnknown {
		t.Errorf("unknown is not stored: %+v", r)
	}
	// --again takes done and unknown records.
	p3 := ClaimPolicy{RunID: "run3", Again: true}
	if cl := claimOne(t, s, l, a, p3); !cl.Taken {
		t.Errorf("again, done: %+v", cl)
	}
	if cl := claimOne(t, s, l, c, p3); !cl.Taken {
		t.Errorf("again, unknown: %+v", cl)
	}
	// An outcome is stored only by the run that owns the record.
	apply(t, s, l, &LedgerOp{Record: []ImportRecord{{Key: a, State: ImportFailed, Owner: "run1"}}})
	if r, _, _ := s.ImportOutcome(ctx, l, a); r.State != ImportSending || r.Owner != "run3" {
		t.Errorf("a run that does not own it changed it: %+v", r)
	}
	counts, err := s.ImportCounts(ctx, "c1")
	if err != nil || counts[ImportSending] != 3 {
		t.Errorf("counts: %v %v", counts, err)
	}
}

// A record that a live run holds is not taken by another run; once that
// run is gone, an idempotent run takes it again.
func TestImportClaimsRespectALiveRun(t *testing.T) { eachBackend(t, testImportClaimsRespectALiveRun) }

func testImportClaimsRespectALiveRun(t *testing.T, be backend) {
	ctx := context.Background()
	home := be.place(t)
	s := open(t, home)
	if err := s.Create(ctx, conn("c1", "ads")); err != nil {
		t.Fatal(err)
	}
	l := Ledger{ConnectionID: "c1", Scope: "scope1"}
	lease, err := s.Acquire(ctx, Owner{Key: "import:x", RunID: "run1", ConnectionID: "c1", What: "import one"})
	if err != nil {
		t.Fatal(err)
	}
	k := RecordKey{"h", 1}
	if cl := claimOne(t, s, l, k, ClaimPolicy{RunID: "run1"}); !cl.Taken {
		t.Fatal("not taken")
	}
	for _, p := range []ClaimPolicy{{RunID: "run2"}, {RunID: "run2", Again: true}, {RunID: "run2", ResendInFlight: true}} {
		if cl := claimOne(t, s, l, k, p); cl.Taken || cl.Held.State != ImportSending || cl.Held.Owner != "run1" {
			t.Errorf("%+v: a live run's record: %+v", p, cl)
		}
	}
	lease.Release()
	if cl := claimOne(t, s, l, k, ClaimPolicy{RunID: "run2", ResendInFlight: true}); !cl.Taken {
		t.Errorf("after the run ended: %+v", cl)
	}
}

// TestImportLedgerConcurrentClaims has many goroutines and two store
// handles claim the same records at once: each record is taken once.
func TestImportLedgerConcurrentClaims(t *testing.T) { eachBackend(t, testImportLedgerConcurrentClaims) }

func testImportLedgerConcurrentClaims(t *testing.T, be backend) {
	ctx := context.Background()
	home := be.place(t)
	stores := []*Store{open(t, home), open(t, home)}
	if err := stores[0].Create(ctx, conn("c1", "ads")); err != nil {
		t.Fatal(err)
	}
	l := Ledger{ConnectionID: "c1", Scope: "s"}
	const runs, records = 6, 40
	var mu sync.Mutex
	taken := map[RecordKey][]string{}
	var wg sync.WaitGroup
	for r := range runs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			run := fmt.Sprint("run", r)
			for i := range records {
				op := &LedgerOp{Claim: []RecordKey{{fmt.Sprint("h", i), 1}}, Policy: ClaimPolicy{RunID: run}}
				if err := stores[r%2].ApplyLedger(ctx, l, []*LedgerOp{op}); err != nil {
					t.Error(err)
					return
				}
				if op.Claims[0].Taken {
					mu.Lock()
					taken[op.Claims[0].Key] = append(taken[op.Claims[0].Key], run)
					mu.Unlock()
					// Hold it as a live run would, with a lease row.
					rec := ImportRecord{Key: op.Claims[0].Key, State: ImportOK, Owner: run}
					if err := stores[r%2].ApplyLedger(ctx, l, []*LedgerOp{{Record: []ImportRecord{rec}}}); err != nil {
						t.Error(err)
					}
				}
			}
		}()
	}
	wg.Wait()
	if len(taken) != records {
		t.Errorf("%d records taken, want %d", len(taken), records)
	}
	for k, by := range taken {
		if len(by) != 1 {
			t.Errorf("%v taken by %v", k, by)
		}
	}
}
