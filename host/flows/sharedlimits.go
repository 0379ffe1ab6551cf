package flows

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/openintegrator/integrator/host/store"
	"github.com/openintegrator/integrator/shared"
)

// sharedLimits makes a run's requests take their units from the rate
// limit rows of the store (Deps.SharedLimits), which every process using
// the store shares: workers on several machines that send for the same
// ads account spend one budget, as the API counts it, instead of each
// learning it from its own answers (and all of them coming back at the
// reset at once). The run's own limiter still holds its senders back on a
// rate limit or a 503; this is one step more before each request.
type sharedLimits struct {
	store *store.Store
	conn  string
	// lease bounds how long a probe (the one request sent while a budget
	// is unknown) holds its scope: longer than a request takes, so that a
	// second probe goes only when the first one's process is gone.
	lease time.Duration
	// poll is how often a request waiting for a probe's answer asks again.
	poll time.Duration
}

// Defaults of sharedLimits.
const (
	probeLease = 2 * time.Minute
	probePoll  = 100 * time.Millisecond
	// rowTimeout bounds the recording of an answer, which is done even
	// when the run is stopping, so that the row does not keep counting a
	// request that has its answer.
	rowTimeout = 10 * time.Second
)

// newSharedLimits returns the run's shared limits, or nil when the run
// does not share them.
func newSharedLimits(d *Deps) *sharedLimits {
	if !d.SharedLimits || d.Store == nil {
		return nil
	}
	return &sharedLimits{store: d.Store, conn: d.ConnectionID, lease: probeLease, poll: probePoll}
}

// limitScope names the budget a request spends, as the X Ads API counts
// them: a GET under an ads account (a path holding accounts/<id>) spends
// that account's budget, which every user of the account shares; any other
// request spends the connection's own (its user's, whose access token the
// connection holds). An API whose paths name no accounts, such as those
// of the http connector, has one budget per connection.
func limitScope(conn, method, rawURL string) string {
	path := rawURL
	if u, err := url.Parse(rawURL); err == nil {
		path = u.Path
	}
	if method == "" || method == http.MethodGet || method == http.MethodHead {
		segs := strings.Split(strings.Trim(path, "/"), "/")
		for i := 0; i+1 < len(segs); i++ {
			if segs[i] == "accounts" && segs[i+1] != "" {
				return conn + " account " + segs[i+1]
			}
		}
	}
	return conn
}

// rateTicket is a unit taken for one request; a nil one took nothing.
type rateTicket struct {
	s     *sharedLimits
	scope string
	take  store.RateTake
}

// take waits until a unit of the scope of a request (method, rawURL) is
// taken, or ctx ends. While the scope's budget is spent, it holds lim
// until the reset (so the run's progress says so, as for a rate limit it
// met itself); while another request learns an unknown budget, it asks
// again shortly.
func (s *sharedLimits) take(ctx context.Context, lim *limiter, method, rawURL string) (*rateTicket, error) {
	if s == nil {
		return nil, nil
	}
	scope := limitScope(s.conn, method, rawURL)
	for {
		if err := lim.wait(ctx); err != nil {
			return nil, err
		}
		t, err := s.store.TakeRateUnit(ctx, s.conn, scope, time.Now(), s.lease)
		switch {
		case err != nil && ctx.Err() != nil:
			return nil, ctx.Err()
		case err != nil:
			return nil, fmt.Errorf("taking a request of the shared rate limit: %w", err)
		case t.Taken:
			return &rateTicket{s: s, scope: scope, take: t}, nil
		case t.Spent:
			lim.hold(t.Until, "rate limit spent (shared by every worker)")
			continue
		}
		wait := min(max(time.Until(t.Until), time.Millisecond), s.poll)
		if err := shared.Sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// done records what the answer to the ticket's request says of its
// budget. resp is nil when no answer came (err says why); a request that
// was not sent gives its unit back.
func (t *rateTicket) done(ctx context.Context, resp *shared.Response, err error) error {
	if t == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rowTimeout)
	defer cancel()
	now := time.Now()
	var nse *NotSentError
	if resp == nil && errors.As(err, &nse) {
		err = t.s.store.ReturnRateUnit(ctx, t.scope, t.take, now)
	} else {
		var h shared.ResponseHead
		if resp != nil {
			h = resp.ResponseHead
		}
		err = t.s.store.ObserveRate(ctx, t.scope, rateAnswer(h, t.take.Probe, now), now)
	}
	if err != nil {
		return fmt.Errorf("recording the shared rate limit: %w", err)
	}
	return nil
}

// giveBack returns the unit of a request that is not sent after all.
func (t *rateTicket) giveBack(ctx context.Context) error {
	if t == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rowTimeout)
	defer cancel()
	if err := t.s.store.ReturnRateUnit(ctx, t.scope, t.take, time.Now()); err != nil {
		return fmt.Errorf("recording the shared rate limit: %w", err)
	}
	return nil
}

// rateAnswer is what a response head says of its budget: the budget the
// connector reports (the account's headers before the user's), a rate
// limit (spent until its reset, or its Retry-After), or, for a success
// without any budget, none at all.
func rateAnswer(h shared.ResponseHead, probe bool, now time.Time) store.RateAnswer {
	a := store.RateAnswer{Probe: probe, Remaining: -1}
	if rl := h.RateLimit; rl != nil {
		a.Remaining, a.Reset = rl.Remaining, rl.Reset
	}
	switch {
	case rateLimited(h):
		a.Spent = true
		if ra, ok := retryAfter(h, now); ok && now.Add(ra).After(a.Reset) {
			a.Reset = now.Add(ra)
		}
	case h.Status >= 200 && h.Status < 300 && h.RateLimit == nil:
		a.NoBudget = true
	}
	return a
}
