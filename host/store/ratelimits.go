package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// A rate-limit row is one budget of an API, as the API last reported it,
// shared by every process using the store (workers on several machines):
// its scope (a connection, or one of its ads accounts), what remains of
// it until its reset, and two things that keep the count right while
// requests are on their way:
//   - inflight counts the requests that took a unit and have no answer
//     yet: an answer's remaining does not count them, so a new window's
//     budget is what the answer says less those;
//   - probe_until is the lease of the one request allowed while the
//     budget is unknown (never reported, or its reset has passed): the
//     first answer tells how much there is, and until it comes every
//     other request of the scope waits, so that several workers cannot
//     spend a small budget they do not know yet.
//
// A unit is taken by one UPDATE whose WHERE only matches a row with units
// left (or an unknown budget nobody is probing), so concurrent takers in
// any number of processes never take more than there is.

// NoBudgetFor is how long an answer without any rate-limit headers makes
// a scope unlimited: its requests then go without waiting for each
// other, and the next answer after it is asked again.
const NoBudgetFor = time.Minute

// noBudget is the remaining of a scope whose API reports no budget.
const noBudget = 1 << 40

// RateTake is the outcome of TakeRateUnit.
type RateTake struct {
	// Taken: the request may be sent. Its answer must be reported with
	// ObserveRate (or the unit given back with ReturnRateUnit).
	Taken bool
	// Probe: the budget was unknown, and this request is the one that
	// learns it.
	Probe bool
	// Reset is the budget's reset as the row had it when the unit was
	// taken (zero for a probe); ReturnRateUnit needs it.
	Reset time.Time
	// Not taken: Spent says the budget is spent until Until (its reset);
	// otherwise another request is learning the budget, and Until is
	// when its lease ends (ask again sooner: its answer may come first).
	Spent bool
	Until time.Time
}

// TakeRateUnit takes one request of a scope's budget, atomically, as of
// now. A probe holds the scope for lease at most (a process that died
// with its probe in flight delays the others by that much).
func (s *Store) TakeRateUnit(ctx context.Context, connectionID, scope string, now time.Time, lease time.Duration) (RateTake, error) {
	n := now.UnixNano()
	var reset int64
	learnt := 0
	for created := false; ; created = true {
		// A probe of a row nobody touched for a lease also forgets the
		// requests it counts in flight: their processes are gone.
		err := s.db.QueryRowContext(ctx, `UPDATE rate_limits SET
				remaining = CASE WHEN reset_at > ? THEN remaining - 1 ELSE -1 END,
				probe_until = CASE WHEN reset_at > ? THEN probe_until ELSE ? END,
				inflight = CASE WHEN reset_at <= ? AND updated_at < ? THEN 1 ELSE inflight + 1 END,
				updated_at = ?
			WHERE scope = ? AND ((reset_at > ? AND remaining > 0) OR (reset_at <= ? AND probe_until <= ?))
			RETURNING reset_at`,
			n, n, n+int64(lease), n, n-int64(lease), n, scope, n, n, n).Scan(&reset)
		switch {
		case err == nil && reset > n:
			return RateTake{Taken: true, Reset: time.Unix(0, reset)}, nil
		case err == nil:
			return RateTake{Taken: true, Probe: true}, nil
		case !errors.Is(err, sql.ErrNoRows):
			return RateTake{}, err
		}
		if rateMissed != nil {
			rateMissed()
		}
		// The row as it is now, which may not be as the UPDATE saw it: a
		// probe's answer may have set a new window in between. Spent only
		// when nothing remains in it; a budget learnt meanwhile is asked
		// for again.
		var probe, remaining int64
		err = s.db.QueryRowContext(ctx, `SELECT reset_at, probe_until, remaining FROM rate_limits WHERE scope = ?`, scope).Scan(&reset, &probe, &remaining)
		switch {
		case errors.Is(err, sql.ErrNoRows) && !created:
			// The scope's first request: its row, unknown, then its probe.
			if _, err := s.db.ExecContext(ctx, `INSERT INTO rate_limits (scope, connection_id, remaining, reset_at, probe_until, inflight, updated_at)
				VALUES (?, ?, -1, 0, 0, 0, ?) ON CONFLICT (scope) DO NOTHING`, scope, connectionID, n); err != nil {
				return RateTake{}, err
			}
			continue
		case err != nil:
			return RateTake{}, err
		case reset > n && remaining > 0 && learnt < 3:
			learnt++
			continue
		case reset > n && remaining > 0:
			return RateTake{Until: now}, nil // taken by others as fast as learnt: ask again
		case reset > n:
			return RateTake{Spent: true, Until: time.Unix(0, reset)}, nil
		case probe <= n && learnt < 3:
			// No probe is out, though the UPDATE saw one (or no row): the
			// row was just made, or the probe's answer came. Ask again.
			learnt++
			continue
		}
		return RateTake{Until: time.Unix(0, max(probe, n))}, nil
	}
}

// rateMissed, when set (by tests), runs between TakeRateUnit's UPDATE that
// took nothing and its read of the row.
var rateMissed func()

// RateAnswer is what the answer to a request that took a unit says of
// its scope's budget.
type RateAnswer struct {
	Probe bool // the request was the scope's probe (RateTake.Probe)
	// Remaining and Reset: the budget the answer reports (Remaining -1
	// or a zero Reset: none).
	Remaining int64
	Reset     time.Time
	// Spent: the answer is a rate limit; nothing remains until Reset.
	Spent bool
	// NoBudget: an answer came and reports no budget at all (the API has
	// none, as far as it says): the scope goes unlimited for NoBudgetFor.
	NoBudget bool
}

// ObserveRate records the answer to a request that took a unit of scope,
// as of now: the request is no longer in flight, a probe's lease ends, and
// the budget becomes what the answer reports less the requests still in
// flight (a new window: their units were not counted in it), or the least
// of what the answer reports and what the row holds (the same window: the
// row counts every unit taken, the answer what others than this store's
// processes spent; an older window's answer changes nothing). It is one UPDATE,
// so that answers arriving together wait for each other's row lock
// instead of failing a serializable transaction.
func (s *Store) ObserveRate(ctx context.Context, scope string, a RateAnswer, now time.Time) error {
	n := now.UnixNano()
	t := a.Reset.UnixNano()
	if a.Reset.IsZero() {
		t = 0
	}
	const (
		nothing = iota
		spent   // nothing remains until t
		budget  // a.Remaining remain until t
		none    // the API reports no budget
	)
	mode := nothing
	switch {
	case a.Spent && t > 0:
		mode = spent
	case a.Spent:
		// A rate limit that says nothing of its reset: the caller waits
		// by itself; the next request learns the budget.
	case a.Remaining >= 0 && t > n:
		mode = budget
	case a.NoBudget:
		mode = none
	}
	probe := 0
	if a.Probe {
		probe = 1
	}
	// left is what the answer leaves for the requests not in flight.
	const ni = `(CASE WHEN inflight > 0 THEN inflight - 1 ELSE 0 END)`
	const left = `(CASE WHEN ? - ` + ni + ` > 0 THEN ? - ` + ni + ` ELSE 0 END)`
	_, err := s.db.ExecContext(ctx, `UPDATE rate_limits SET
			remaining = CASE
				WHEN ? = 1 AND ? >= reset_at THEN 0
				WHEN ? = 2 AND ? > reset_at THEN `+left+`
				WHEN ? = 2 AND ? = reset_at AND ? < remaining THEN ?
				WHEN ? = 3 AND reset_at <= ? THEN ?
				ELSE remaining END,
			reset_at = CASE
				WHEN ? = 1 AND ? >= reset_at THEN ?
				WHEN ? = 2 AND ? > reset_at THEN ?
				WHEN ? = 3 AND reset_at <= ? THEN ?
				ELSE reset_at END,
			probe_until = CASE WHEN ? = 1 THEN 0 ELSE probe_until END,
			inflight = `+ni+`,
			updated_at = ?
		WHERE scope = ?`,
		mode, t,
		mode, t, a.Remaining, a.Remaining,
		mode, t, a.Remaining, a.Remaining,
		mode, n, noBudget,
		mode, t, t,
		mode, t, t,
		mode, n, n+int64(NoBudgetFor),
		probe, n, scope)
	return err
}

// ReturnRateUnit gives back a unit taken and not used (its request was
// not sent): a probe's lease ends; otherwise the unit returns to the
// budget, when it is still the window it was taken from.
func (s *Store) ReturnRateUnit(ctx context.Context, scope string, t RateTake, now time.Time) error {
	q := `UPDATE rate_limits SET inflight = CASE WHEN inflight > 0 THEN inflight - 1 ELSE 0 END,
		remaining = CASE WHEN reset_at = ? AND reset_at > ? THEN remaining + 1 ELSE remaining END, updated_at = ? WHERE scope = ?`
	args := []any{t.Reset.UnixNano(), now.UnixNano(), now.UnixNano(), scope}
	if t.Probe {
		q = `UPDATE rate_limits SET inflight = CASE WHEN inflight > 0 THEN inflight - 1 ELSE 0 END, probe_until = 0, updated_at = ? WHERE scope = ?`
		args = []any{now.UnixNano(), scope}
	}
	_, err := s.db.ExecContext(ctx, q, args...)
	return err
}

// RateBudget is a scope's row, for tests and people.
type RateBudget struct {
	Remaining  int64 // -1: unknown
	Reset      time.Time
	ProbeUntil time.Time // zero: no probe in flight
	InFlight   int64
}

// RateLimit returns a scope's row.
func (s *Store) RateLimit(ctx context.Context, scope string) (RateBudget, error) {
	var b RateBudget
	var reset, probe int64
	err := s.db.QueryRowContext(ctx, `SELECT remaining, reset_at, probe_until, inflight FROM rate_limits WHERE scope = ?`, scope).
		Scan(&b.Remaining, &reset, &probe, &b.InFlight)
	if errors.Is(err, sql.ErrNoRows) {
		return RateBudget{Remaining: -1}, nil
	}
	if reset > 0 {
		b.Reset = time.Unix(0, reset)
	}
	if probe > 0 {
		b.ProbeUntil = time.Unix(0, probe)
	}
	return b, err
}
