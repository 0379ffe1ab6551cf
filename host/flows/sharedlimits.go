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
	// is unknown) holds its scope: longer than a request usually takes (a
	// slower probe lets a second one go), and short, since a process that
	// died (SIGKILL) with its probe in flight holds the scope's other
	// requests back that long.
	lease time.Duration
	// poll is how often a request waiting for a probe's answer asks again.
	poll time.Duration
}

// Defaults of sharedLimits.
const (
	probeLease = 10 * time.Second
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

// limitScopes names the budgets a request spends, as the X Ads API
// counts them: a GET under an ads account (a path holding accounts/<id>)
// spends that account's budget, which every user of the account shares,
// and its user's budget of such reads (the user whose access token the
// connection holds); any other request spends the user's budget, one per
// connection. An API whose paths name no accounts, such as those of the
// http connector, has that one budget per connection.
//
// The first scope takes the budget the answer reports as "account"; the
// second (or only) one the first budget of another name ("user", "api").
func limitScopes(conn, method, rawURL string) []string {
	path := rawURL
	if u, err := url.Parse(rawURL); err == nil {
		path = u.Path
	}
	if method == "" || method == http.MethodGet || method == http.MethodHead {
		segs := strings.Split(strings.Trim(path, "/"), "/")
		for i := 0; i+1 < len(segs); i++ {
			if segs[i] == "accounts" && segs[i+1] != "" {
				return []string{conn + " account " + segs[i+1], conn + " reads"}
			}
		}
	}
	return []string{conn}
}

// rateTicket is the units taken for one request; a nil one took none.
type rateTicket struct {
	s     *sharedLimits
	units []rateUnit
}

// rateUnit is a unit of one scope.
type rateUnit struct {
	scope string
	take  store.RateTake
}

// take waits until a unit of every scope of a request (method, rawURL)
// is taken, or ctx ends. While a scope's budget is spent, it holds lim
// until the reset (so the run's progress says so, as for a rate limit it
// met itself); while another request learns an unknown budget, it asks
// again shortly. Units are taken in the order of limitScopes, and those
// taken are given back when another is not to be had, so that no request
// holds one while it waits.
func (s *sharedLimits) take(ctx context.Context, lim *limiter, method, rawURL string) (*rateTicket, error) {
	if s == nil {
		return nil, nil
	}
	scopes := limitScopes(s.conn, method, rawURL)
	for {
		if err := lim.wait(ctx); err != nil {
			return nil, err
		}
		t := &rateTicket{s: s}
		var miss store.RateTake
		for _, scope := range scopes {
			tk, err := s.store.TakeRateUnit(ctx, s.conn, scope, time.Now(), s.lease)
			if err != nil {
				err = errors.Join(fmt.Errorf("taking a request of the shared rate limit: %w", err), t.giveBack(ctx))
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				return nil, err
			}
			if !tk.Taken {
				miss = tk
				break
			}
			t.units = append(t.units, rateUnit{scope, tk})
		}
		if len(t.units) == len(scopes) {
			return t, nil
		}
		if err := t.giveBack(ctx); err != nil {
			return nil, err
		}
		if miss.Spent {
			lim.hold(miss.Until, "rate limit spent (shared by every worker)")
			continue
		}
		wait := min(max(time.Until(miss.Until), time.Millisecond), s.poll)
		if err := shared.Sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// done records what the answer to the ticket's request says of its
// budgets. resp is nil when no answer came (err says why); a request that
// was not sent gives its units back.
func (t *rateTicket) done(ctx context.Context, resp *shared.Response, err error) error {
	if t == nil {
		return nil
	}
	var nse *NotSentError
	if resp == nil && errors.As(err, &nse) {
		return t.giveBack(ctx)
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rowTimeout)
	defer cancel()
	var h shared.ResponseHead
	if resp != nil {
		h = resp.ResponseHead
	}
	now := time.Now()
	var errs []error
	for i, u := range t.units {
		account := i == 0 && len(t.units) > 1
		if err := t.s.store.ObserveRate(ctx, u.scope, rateAnswer(h, budgetOf(h, account), u.take.Probe, now), now); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("recording the shared rate limit: %w", err)
	}
	return nil
}

// giveBack returns the units of a request that is not sent after all.
func (t *rateTicket) giveBack(ctx context.Context) error {
	if t == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rowTimeout)
	defer cancel()
	var errs []error
	for _, u := range t.units {
		errs = append(errs, t.s.store.ReturnRateUnit(ctx, u.scope, u.take, time.Now()))
	}
	t.units = nil
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("recording the shared rate limit: %w", err)
	}
	return nil
}

// budgetOf is the budget of a head for a scope: the one named "account"
// for an account's scope, else the first of another name. A connector
// that reports one budget only (no Budgets) has it in RateLimit.
func budgetOf(h shared.ResponseHead, account bool) *shared.RateLimit {
	budgets := h.Budgets
	if len(budgets) == 0 && h.RateLimit != nil {
		budgets = []shared.RateLimit{*h.RateLimit}
	}
	for i, b := range budgets {
		if (b.Scope == "account") == account {
			return &budgets[i]
		}
	}
	return nil
}

// rateAnswer is what a response head says of one of the request's
// budgets, b (nil: the answer does not report it): what remains until
// when; for a rate limit, that b is spent until its reset (or the
// Retry-After), unless b says it has room (another budget was spent);
// for a success without b, that there is no such budget.
func rateAnswer(h shared.ResponseHead, b *shared.RateLimit, probe bool, now time.Time) store.RateAnswer {
	a := store.RateAnswer{Probe: probe, Remaining: -1}
	if b != nil {
		a.Remaining, a.Reset = b.Remaining, b.Reset
	}
	switch {
	case rateLimited(h) && (b == nil || b.Remaining <= 0):
		a.Spent = true
		if ra, ok := retryAfter(h, now); ok && now.Add(ra).After(a.Reset) {
			a.Reset = now.Add(ra)
		}
	case h.Status >= 200 && h.Status < 300 && b == nil:
		a.NoBudget = true
	}
	return a
}
