package store

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Many takers (goroutines over several store handles, as workers in
// several processes) share a budget the API reported: together they take
// exactly what remains, never one more, and the others are told to wait
// for the reset.
func TestRateUnitsAreNeverOvertaken(t *testing.T) { eachBackend(t, testRateUnitsAreNeverOvertaken) }

func testRateUnitsAreNeverOvertaken(t *testing.T, be backend) {
	ctx := context.Background()
	place := be.place(t)
	stores := []*Store{open(t, place), open(t, place), open(t, place)}
	if err := stores[0].Create(ctx, conn("c1", "ads")); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	reset := now.Add(time.Hour).Truncate(time.Second)
	// The first request learns the budget: 25 left after it.
	probe := mustTake(t, stores[0], now)
	if !probe.Probe {
		t.Fatalf("the first take of an unknown budget is not its probe: %+v", probe)
	}
	if err := stores[0].ObserveRate(ctx, "c1 a", RateAnswer{Probe: true, Remaining: 25, Reset: reset}, now); err != nil {
		t.Fatal(err)
	}
	var taken, spent atomic.Int64
	var wg sync.WaitGroup
	for g := 0; g < 12; g++ {
		wg.Add(1)
		go func(s *Store) {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				tk, err := s.TakeRateUnit(ctx, "c1", "c1 a", now, time.Minute)
				if err != nil {
					t.Error(err)
					return
				}
				switch {
				case tk.Taken:
					taken.Add(1)
				case tk.Spent && tk.Until.Equal(reset):
					spent.Add(1)
				default:
					t.Errorf("not taken, not spent until the reset: %+v", tk)
				}
			}
		}(stores[g%len(stores)])
	}
	wg.Wait()
	if taken.Load() != 25 || spent.Load() != 120-25 {
		t.Errorf("120 takers of a budget of 25: %d took a unit, %d were told to wait for the reset", taken.Load(), spent.Load())
	}
	b, err := stores[1].RateLimit(ctx, "c1 a")
	if err != nil {
		t.Fatal(err)
	}
	if b.Remaining != 0 || b.InFlight != 25 || !b.Reset.Equal(reset) {
		t.Errorf("row %+v; want 0 remaining, 25 in flight, reset %v", b, reset)
	}
}

// While nobody knows a scope's budget (never reported, or its reset has
// passed) only one request goes: the others wait for its answer, which
// sets the budget less the requests still on their way.
func TestUnknownBudgetAllowsOneProbe(t *testing.T) { eachBackend(t, testUnknownBudgetAllowsOneProbe) }

func testUnknownBudgetAllowsOneProbe(t *testing.T, be backend) {
	ctx := context.Background()
	place := be.place(t)
	s, other := open(t, place), open(t, place)
	if err := s.Create(ctx, conn("c1", "ads")); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	var probes atomic.Int64
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(st *Store) {
			defer wg.Done()
			tk, err := st.TakeRateUnit(ctx, "c1", "c1 a", now, time.Minute)
			if err != nil {
				t.Error(err)
				return
			}
			if tk.Taken {
				probes.Add(1)
			} else if tk.Spent || !tk.Until.Equal(now.Add(time.Minute)) {
				t.Errorf("a taker while the probe is out: %+v; want to wait for the probe (its lease ends %v)", tk, now.Add(time.Minute))
			}
		}([]*Store{s, other}[g%2])
	}
	wg.Wait()
	if probes.Load() != 1 {
		t.Fatalf("%d requests went while the budget was unknown; want 1", probes.Load())
	}
	reset := now.Add(time.Minute).Truncate(time.Second)
	if err := s.ObserveRate(ctx, "c1 a", RateAnswer{Probe: true, Remaining: 3, Reset: reset}, now); err != nil {
		t.Fatal(err)
	}
	// Three go; the fourth waits for the reset.
	for i := 0; i < 3; i++ {
		if tk := mustTake(t, other, now); !tk.Taken || tk.Probe {
			t.Fatalf("take %d after the budget is known: %+v", i+1, tk)
		}
	}
	if tk := mustTake(t, s, now); tk.Taken || !tk.Spent || !tk.Until.Equal(reset) {
		t.Fatalf("a take beyond the budget: %+v; want to wait until %v", tk, reset)
	}
	// Once the reset has passed the budget is unknown again: one probe.
	// Two requests of the old window are still on their way, so the new
	// window's first answer counts them as spent.
	later := reset.Add(time.Millisecond)
	p := mustTake(t, s, later)
	if !p.Probe {
		t.Fatalf("the first take after the reset is no probe: %+v", p)
	}
	if tk := mustTake(t, other, later); tk.Taken {
		t.Fatalf("a second take while the probe is out: %+v", tk)
	}
	if err := s.ObserveRate(ctx, "c1 a", RateAnswer{Remaining: 2, Reset: reset}, later); err != nil { // an old window's answer
		t.Fatal(err)
	}
	next := later.Add(time.Minute).Truncate(time.Second)
	if err := s.ObserveRate(ctx, "c1 a", RateAnswer{Probe: true, Remaining: 9, Reset: next}, later); err != nil {
		t.Fatal(err)
	}
	b, err := s.RateLimit(ctx, "c1 a")
	if err != nil {
		t.Fatal(err)
	}
	if b.Remaining != 9-2 || !b.Reset.Equal(next) || !b.ProbeUntil.IsZero() || b.InFlight != 2 {
		t.Errorf("row after the new window's first answer: %+v; want 7 remaining (9 less 2 in flight), no probe", b)
	}
	// The same window's later answers only ever lower it.
	if err := s.ObserveRate(ctx, "c1 a", RateAnswer{Remaining: 8, Reset: next}, later); err != nil {
		t.Fatal(err)
	}
	if b, _ := s.RateLimit(ctx, "c1 a"); b.Remaining != 7 {
		t.Errorf("a higher remaining of the same window raised the row to %d", b.Remaining)
	}
	if err := s.ObserveRate(ctx, "c1 a", RateAnswer{Remaining: 1, Reset: next}, later); err != nil {
		t.Fatal(err)
	}
	if b, _ := s.RateLimit(ctx, "c1 a"); b.Remaining != 1 || b.InFlight != 0 {
		t.Errorf("a lower remaining of the same window: row %+v; want 1 remaining, none in flight", b)
	}
	// A rate limit spends it until its reset.
	if err := s.ObserveRate(ctx, "c1 a", RateAnswer{Spent: true, Remaining: 0, Reset: next}, later); err != nil {
		t.Fatal(err)
	}
	if tk := mustTake(t, s, later); tk.Taken || !tk.Until.Equal(next) {
		t.Errorf("a take after a rate limit: %+v; want to wait until %v", tk, next)
	}
}

// A probe whose request was not sent hands the scope on at once; a unit
// not used returns to its window.
func TestReturnedRateUnits(t *testing.T) { eachBackend(t, testReturnedRateUnits) }

func testReturnedRateUnits(t *testing.T, be backend) {
	ctx := context.Background()
	s := open(t, be.place(t))
	if err := s.Create(ctx, conn("c1", "ads")); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	p := mustTake(t, s, now)
	if err := s.ReturnRateUnit(ctx, "c1 a", p, now); err != nil {
		t.Fatal(err)
	}
	p2 := mustTake(t, s, now)
	if !p2.Probe {
		t.Fatalf("after the probe was given back: %+v; want the next probe", p2)
	}
	reset := now.Add(time.Minute).Truncate(time.Second)
	if err := s.ObserveRate(ctx, "c1 a", RateAnswer{Probe: true, Remaining: 1, Reset: reset}, now); err != nil {
		t.Fatal(err)
	}
	u := mustTake(t, s, now)
	if tk := mustTake(t, s, now); tk.Taken {
		t.Fatalf("a second unit of a budget of one: %+v", tk)
	}
	if err := s.ReturnRateUnit(ctx, "c1 a", u, now); err != nil {
		t.Fatal(err)
	}
	if tk := mustTake(t, s, now); !tk.Taken {
		t.Errorf("the unit given back was not taken again: %+v", tk)
	}
	// An API that reports no budget: its requests go without waiting for
	// each other.
	if err := s.Create(ctx, conn("c2", "plain")); err != nil {
		t.Fatal(err)
	}
	p3, err := s.TakeRateUnit(ctx, "c2", "c2", now, time.Minute)
	if err != nil || !p3.Probe {
		t.Fatalf("%+v %v", p3, err)
	}
	if err := s.ObserveRate(ctx, "c2", RateAnswer{Probe: true, Remaining: -1, NoBudget: true}, now); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		if tk, err := s.TakeRateUnit(ctx, "c2", "c2", now, time.Minute); err != nil || !tk.Taken {
			t.Fatalf("take %d of an API without budgets: %+v %v", i+1, tk, err)
		}
	}
	// Deleting the connection deletes its rows.
	if err := s.Delete(ctx, "ads"); err != nil {
		t.Fatal(err)
	}
	if b, err := s.RateLimit(ctx, "c1 a"); err != nil || b.Remaining != -1 || !b.Reset.IsZero() {
		t.Errorf("the deleted connection's row: %+v %v", b, err)
	}
}

func mustTake(t *testing.T, s *Store, now time.Time) RateTake {
	t.Helper()
	tk, err := s.TakeRateUnit(context.Background(), "c1", "c1 a", now, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

// Answers that arrive together, from many processes, are each recorded:
// none fails for another's (no serialization failure to give up on), and
// the row counts no request in flight once all are in.
func TestRateAnswersTogether(t *testing.T) { eachBackend(t, testRateAnswersTogether) }

func testRateAnswersTogether(t *testing.T, be backend) {
	ctx := context.Background()
	place := be.place(t)
	stores := []*Store{open(t, place), open(t, place), open(t, place), open(t, place)}
	if err := stores[0].Create(ctx, conn("c1", "ads")); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	reset := now.Add(time.Hour).Truncate(time.Second)
	p := mustTake(t, stores[0], now)
	if err := stores[0].ObserveRate(ctx, "c1 a", RateAnswer{Probe: p.Probe, Remaining: 100, Reset: reset}, now); err != nil {
		t.Fatal(err)
	}
	const n = 48
	for i := 0; i < n; i++ {
		if tk := mustTake(t, stores[i%len(stores)], now); !tk.Taken {
			t.Fatalf("take %d: %+v", i, tk)
		}
	}
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(s *Store, left int64) {
			defer wg.Done()
			if err := s.ObserveRate(ctx, "c1 a", RateAnswer{Remaining: left, Reset: reset}, now); err != nil {
				t.Error(err)
			}
		}(stores[i%len(stores)], int64(100-1-i))
	}
	wg.Wait()
	b, err := stores[0].RateLimit(ctx, "c1 a")
	if err != nil {
		t.Fatal(err)
	}
	if b.InFlight != 0 || b.Remaining != 100-n {
		t.Errorf("after %d answers: %+v; want none in flight, %d remaining", n, b, 100-n)
	}
}

// A take that misses while a probe is out, and reads the row after the
// probe's answer set its budget, takes a unit of it instead of waiting
// for the reset as if the budget were spent (a queued import's chunk
// waited a minute so, with a million requests left).
func TestTakeAfterTheProbesAnswerTakes(t *testing.T) {
	eachBackend(t, testTakeAfterTheProbesAnswerTakes)
}

func testTakeAfterTheProbesAnswerTakes(t *testing.T, be backend) {
	ctx := context.Background()
	s := open(t, be.place(t))
	if err := s.Create(ctx, conn("c1", "ads")); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if tk := mustTake(t, s, now); !tk.Probe {
		t.Fatalf("the first take: %+v, want the probe", tk)
	}
	reset := now.Add(time.Minute).Truncate(time.Second)
	rateMissed = func() {
		rateMissed = nil
		if err := s.ObserveRate(ctx, "c1 a", RateAnswer{Probe: true, Remaining: 5, Reset: reset}, now); err != nil {
			t.Error(err)
		}
	}
	t.Cleanup(func() { rateMissed = nil })
	if tk := mustTake(t, s, now); !tk.Taken || tk.Spent {
		t.Fatalf("a take that read the row after the probe's answer: %+v; want a unit of the 5 left", tk)
	}
}
