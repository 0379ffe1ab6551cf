package flows

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openintegrator/integrator/host/store"
	"github.com/openintegrator/integrator/host/store/storetest"
	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// budgetAPI is a list API with one fixed-window rate limit per ads
// account, as the X Ads API (and its simulator) keeps them: a window
// starts with the first request after the previous one's reset, every
// answer reports the account's budget, and a request beyond it is
// answered 429 (writes have the user's budget, as the simulator's do).
// It counts 429s as the simulator does: every 429 of a
// window after its first is overspent (a client came back before the
// reset it was told, or did not share what another one learnt).
type budgetAPI struct {
	list    *listAPI
	next    func(shared.Request) (*shared.Response, error) // nil: list
	scope   string                                         // the budget's name in the heads: "account" or "user"
	budget  int
	window  time.Duration
	latency time.Duration

	mu        sync.Mutex
	remaining int
	reset     time.Time
	refused   int // 429s of the current window
	limited   int
	overspent int
}

func (a *budgetAPI) serve(req shared.Request) (*shared.Response, error) {
	time.Sleep(a.latency)
	a.mu.Lock()
	now := time.Now()
	if !now.Before(a.reset) {
		a.remaining, a.reset, a.refused = a.budget, now.Add(a.window), 0
	}
	ok := a.remaining > 0
	if ok {
		a.remaining--
	} else {
		a.limited++
		if a.refused++; a.refused > 1 {
			a.overspent++
		}
	}
	rl := &shared.RateLimit{Scope: a.scope, Limit: int64(a.budget), Remaining: int64(a.remaining), Reset: a.reset}
	a.mu.Unlock()
	if !ok {
		resp := tooManyRequests()
		resp.RateLimit = rl
		return resp, nil
	}
	if a.next != nil {
		resp, err := a.next(req)
		if resp != nil {
			resp.RateLimit = rl
		}
		return resp, err
	}
	resp := a.list.serve(req)
	resp.RateLimit = rl
	return resp, nil
}

// tooManyRequests is the fake APIs' answer to a request beyond a budget,
// as a connector reports the X Ads API's 429.
func tooManyRequests() *shared.Response {
	resp := answerJSON(429, map[string]any{"errors": []map[string]string{{"code": "TOO_MANY_REQUESTS"}}})
	resp.Diagnostics = schema.Diagnostics{schema.Errorf("", shared.CodeRateLimited, "", "rate limit reached")}
	return resp
}

func (a *budgetAPI) counts() (limited, overspent int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.limited, a.overspent
}

// sharedPlace returns n handles of one new store, as n processes would
// open it: a SQLite file, or a schema of its own on the PostgreSQL server
// of INTEGRATOR_TEST_POSTGRES (the test is skipped without it). The
// store holds the connection "c1".
func sharedPlace(t *testing.T, backend string, n int) []*store.Store {
	t.Helper()
	ctx := context.Background()
	place := filepath.Join(t.TempDir(), store.FileName)
	if backend == "postgres" {
		place = storetest.PostgresURL(t, "the PostgreSQL run of this test is SKIPPED (run it with .ci/with-postgres or 'make test-postgres')")
	}
	var out []*store.Store
	for i := 0; i < n; i++ {
		var s *store.Store
		var err error
		if backend == "postgres" {
			s, err = store.OpenURL(ctx, place)
		} else {
			s, err = store.OpenFile(ctx, place)
		}
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		out = append(out, s)
	}
	if err := out[0].Create(ctx, store.Connection{ID: "c1", Name: "ads", Type: "demo"}); err != nil {
		t.Fatal(err)
	}
	return out
}

// Three exports of the same ads account, each in a process of its own
// (its own plugin and store handle), run at once against an API with a
// small budget per short window. With the store's shared rate limit they
// never overspend it (no 429 beyond the first of a window; in practice
// none at all), and every export is exact. The same exports with their
// own limiters only, each learning the budget from its own answers, do
// overspend it: the shared row is what keeps them within it.
func TestSharedLimitsKeepExportsOfOneAccountWithinItsBudget(t *testing.T) {
	sharedVersusAlone(t, runExportsAgainstBudget)
}

// sharedVersusAlone runs runs on each backend with the store's shared
// rate limit and with their own limiters only: shared, they overspend
// nothing; alone, they must overspend, or the test cannot tell what the
// shared row does.
func sharedVersusAlone(t *testing.T, runs func(t *testing.T, backend string, sharedLimits bool) budgetRun) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			shared := runs(t, backend, true)
			if shared.overspent != 0 {
				t.Errorf("with the shared rate limit: %d 429s, %d of them overspent; want none overspent", shared.limited, shared.overspent)
			}
			alone := runs(t, backend, false)
			if alone.overspent == 0 {
				t.Errorf("with their own limiters only: %d 429s, none overspent; the test cannot tell what the shared row does", alone.limited)
			}
			t.Logf("shared: %d 429s, %d overspent; alone: %d 429s, %d overspent", shared.limited, shared.overspent, alone.limited, alone.overspent)
		})
	}
}

type budgetRun struct{ limited, overspent int }

func runExportsAgainstBudget(t *testing.T, backend string, sharedLimits bool) budgetRun {
	t.Helper()
	const runs, records = 3, 120
	api := &budgetAPI{list: &listAPI{n: records}, scope: "account", budget: 6, window: 300 * time.Millisecond, latency: 5 * time.Millisecond}
	stores := sharedPlace(t, backend, runs)
	dir := t.TempDir()
	var wg sync.WaitGroup
	errs := make([]error, runs)
	heard := make([]*notes, runs)
	for i := 0; i < runs; i++ {
		p, _ := fakePlugin(api.serve)
		t.Cleanup(p.Close)
		x := testExport(t, stores[i], p, filepath.Join(dir, fmt.Sprintf("out%d.jsonl", i)))
		x.SharedLimits = sharedLimits
		x.pages.lim = nil // the limiter of a run, which notes its waits
		heard[i] = &notes{}
		x.Progress = heard[i]
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			_, errs[i] = x.Run(ctx)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("export %d: %v", i, err)
		}
		if got := readFile(t, filepath.Join(dir, fmt.Sprintf("out%d.jsonl", i))); got != api.list.want(records) {
			t.Errorf("export %d is not exact: %d lines", i, strings.Count(got, "\n"))
		}
	}
	if sharedLimits && !heard[0].has("rate limit spent (shared by every worker): waiting until") &&
		!heard[1].has("rate limit spent (shared by every worker): waiting until") && !heard[2].has("rate limit spent (shared by every worker): waiting until") {
		t.Errorf("no export said it waits for the shared budget's reset: %q", heard[0].all())
	}
	limited, overspent := api.counts()
	return budgetRun{limited, overspent}
}

// notes is a Progress that keeps the notes.
type notes struct {
	quiet
	mu    sync.Mutex
	lines []string
}

func (n *notes) Note(format string, args ...any) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.lines = append(n.lines, fmt.Sprintf(format, args...))
}

func (n *notes) all() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]string(nil), n.lines...)
}

func (n *notes) has(prefix string) bool {
	for _, l := range n.all() {
		if strings.HasPrefix(l, prefix) {
			return true
		}
	}
	return false
}

// usersAPI is a list API with the X Ads API's budgets of reads as its
// simulator keeps them: a window per ads account and one per user (the
// connection's), both of the same size, both spent by every GET under an
// account, both reported in every answer (the account's first). Two
// accounts read at once spend the user's budget twice as fast as either
// account's. It counts overspent 429s as budgetAPI does, per window.
type usersAPI struct {
	list    *listAPI
	budget  int
	window  time.Duration
	latency time.Duration
	// firstOnly reports the account's budget only, as a connector built
	// before ResponseHead.Budgets does.
	firstOnly bool

	mu        sync.Mutex
	windows   map[string]*fixedWindow
	limited   int
	overspent int
}

type fixedWindow struct {
	remaining, refused int
	reset              time.Time
}

func (a *usersAPI) current(key string, now time.Time) *fixedWindow {
	w := a.windows[key]
	if w == nil || !now.Before(w.reset) {
		w = &fixedWindow{remaining: a.budget, reset: now.Add(a.window)}
		a.windows[key] = w
	}
	return w
}

func (a *usersAPI) serve(req shared.Request) (*shared.Response, error) {
	time.Sleep(a.latency)
	account := strings.Split(req.URL, "/")[1] // accounts/<id>/campaigns
	a.mu.Lock()
	now := time.Now()
	aw, uw := a.current("account "+account, now), a.current("user", now)
	ok := aw.remaining > 0 && uw.remaining > 0
	if ok {
		aw.remaining--
		uw.remaining--
	} else {
		a.limited++
		over := false
		for _, w := range []*fixedWindow{aw, uw} {
			if w.remaining <= 0 {
				if w.refused++; w.refused > 1 {
					over = true
				}
			}
		}
		if over {
			a.overspent++
		}
	}
	budgets := []shared.RateLimit{
		{Scope: "account", Limit: int64(a.budget), Remaining: int64(aw.remaining), Reset: aw.reset},
		{Scope: "user", Limit: int64(a.budget), Remaining: int64(uw.remaining), Reset: uw.reset},
	}
	a.mu.Unlock()
	var resp *shared.Response
	if ok {
		resp = a.list.serve(req)
	} else {
		resp = tooManyRequests()
	}
	resp.RateLimit = &budgets[0]
	if !a.firstOnly {
		resp.Budgets = budgets
	}
	return resp, nil
}

// Exports of two ads accounts through one connection (two of each), each
// in a process of its own, spend their accounts' budgets and their user's, which is
// no larger: with the shared rows, which count the user's budget of reads
// as well as each account's, nothing is overspent and both exports are
// exact. Shared rows that know only the accounts' budgets (a connector
// that reports the first budget only) overspend the user's, as do the
// exports' own limiters alone.
func TestSharedLimitsCountTheUsersBudgetOfReads(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			both := runAccountExports(t, backend, true, false)
			if both.overspent != 0 {
				t.Errorf("with the shared rows of both budgets: %d 429s, %d of them overspent; want none overspent", both.limited, both.overspent)
			}
			// The controls overspend when the exports' requests meet at
			// the budgets' edges, which a loaded machine may spread out:
			// each gets three tries to show it.
			first := overspending(func() budgetRun { return runAccountExports(t, backend, true, true) })
			if first.overspent == 0 {
				t.Errorf("with the shared rows of the accounts' budgets only: %d 429s, none overspent in three tries; the test cannot tell what the user's row does", first.limited)
			}
			alone := overspending(func() budgetRun { return runAccountExports(t, backend, false, false) })
			if alone.overspent == 0 {
				t.Errorf("with their own limiters only: %d 429s, none overspent in three tries", alone.limited)
			}
			t.Logf("both budgets: %d 429s, %d overspent; the accounts' only: %d, %d; alone: %d, %d",
				both.limited, both.overspent, first.limited, first.overspent, alone.limited, alone.overspent)
		})
	}
}

// overspending runs a control up to three times, until it overspends.
func overspending(run func() budgetRun) budgetRun {
	var r budgetRun
	for range 3 {
		if r = run(); r.overspent > 0 {
			break
		}
	}
	return r
}

func runAccountExports(t *testing.T, backend string, sharedLimits, firstOnly bool) budgetRun {
	t.Helper()
	const records = 120
	api := &usersAPI{list: &listAPI{n: records}, budget: 6, window: 300 * time.Millisecond, latency: 5 * time.Millisecond,
		firstOnly: firstOnly, windows: map[string]*fixedWindow{}}
	accounts := []string{"a1", "a2", "a1", "a2"} // two exports of each
	stores := sharedPlace(t, backend, len(accounts))
	dir := t.TempDir()
	var wg sync.WaitGroup
	errs := make([]error, len(accounts))
	out := func(i int) string { return filepath.Join(dir, fmt.Sprintf("%s-%d.jsonl", accounts[i], i)) }
	for i, acc := range accounts {
		p, _ := fakePlugin(api.serve)
		t.Cleanup(p.Close)
		x := testExport(t, stores[i], p, out(i))
		x.Path = "accounts/" + acc + "/campaigns"
		x.SharedLimits = sharedLimits
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			_, errs[i] = x.Run(ctx)
		}()
	}
	wg.Wait()
	for i, acc := range accounts {
		if errs[i] != nil {
			t.Fatalf("export %d of %s: %v", i, acc, errs[i])
		}
		if got := readFile(t, out(i)); got != api.list.want(records) {
			t.Errorf("export %d of %s is not exact: %d lines", i, acc, strings.Count(got, "\n"))
		}
	}
	api.mu.Lock()
	defer api.mu.Unlock()
	return budgetRun{api.limited, api.overspent}
}

// Two imports through one connection, each in a process of its own with
// four workers, share the user's small write budget: with the shared rate
// limit they overspend nothing (with their own limiters only they do) and
// every record is created exactly once.
func TestSharedLimitsKeepImportsWithinTheWriteBudget(t *testing.T) {
	sharedVersusAlone(t, runImportsAgainstBudget)
}

func runImportsAgainstBudget(t *testing.T, backend string, sharedLimits bool) budgetRun {
	t.Helper()
	const runs, records = 2, 40
	writes := newWritesAPI()
	api := &budgetAPI{next: writes.serve, scope: "user", budget: 5, window: 300 * time.Millisecond, latency: 5 * time.Millisecond}
	stores := sharedPlace(t, backend, runs)
	var wg sync.WaitGroup
	sums := make([]ImportSummary, runs)
	errs := make([]error, runs)
	for i := 0; i < runs; i++ {
		dir := t.TempDir()
		p, _ := fakePlugin(api.serve)
		t.Cleanup(p.Close)
		in := writeInput(t, dir, records, func(j int) string { return fmt.Sprintf("run%d-%d", i, j) })
		im := testImport(stores[i], p, in, dir)
		im.Concurrency = 4
		im.SharedLimits = sharedLimits
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			sums[i], errs[i] = im.Run(ctx)
		}()
	}
	wg.Wait()
	for i := range runs {
		if errs[i] != nil || sums[i].OK != records {
			t.Fatalf("import %d: %+v %v", i, sums[i], errs[i])
		}
	}
	writes.mu.Lock()
	defer writes.mu.Unlock()
	if len(writes.created) != runs*records {
		t.Errorf("%d records created, want %d", len(writes.created), runs*records)
	}
	for name, n := range writes.created {
		if n != 1 {
			t.Errorf("%s created %d times", name, n)
		}
	}
	limited, overspent := api.counts()
	return budgetRun{limited, overspent}
}

// A report's calls take their units from the shared rows too, each the
// budget the API counts it against: the account's for the polls, the
// connection's (its user's) for the creates; the downloads, from another
// host, none.
func TestSharedLimitsCountReportCalls(t *testing.T) {
	s := testStore(t)
	api := newStatsAPI()
	var mu sync.Mutex
	creates, polls := 0, 0
	reset := time.Now().Add(time.Hour).Truncate(time.Second)
	p, _ := fakePlugin(func(req shared.Request) (*shared.Response, error) {
		resp, err := api.serve(req)
		if resp == nil {
			return resp, err
		}
		mu.Lock()
		defer mu.Unlock()
		switch {
		case req.Method == "POST":
			creates++
			resp.RateLimit = &shared.RateLimit{Scope: "user", Remaining: int64(400 - creates), Reset: reset}
		case strings.HasPrefix(req.URL, "stats/"):
			polls++
			resp.RateLimit = &shared.RateLimit{Scope: "account", Remaining: int64(9000 - polls), Reset: reset}
		default: // a download: the download host reports no budget of the API
			resp.RateLimit = &shared.RateLimit{Scope: "account", Remaining: 1, Reset: reset}
		}
		return resp, err
	})
	r := testReport(p, 45, 120)
	r.Store, r.ConnectionID, r.SharedLimits = s, "c1", true
	r.Out = filepath.Join(t.TempDir(), "report.jsonl")
	if _, err := r.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	user, err := s.RateLimit(ctx, "c1")
	if err != nil {
		t.Fatal(err)
	}
	account, err := s.RateLimit(ctx, "c1 account acc1")
	if err != nil {
		t.Fatal(err)
	}
	if creates == 0 || polls == 0 {
		t.Fatalf("%d creates, %d polls", creates, polls)
	}
	if user.Remaining != int64(400-creates) || !user.Reset.Equal(reset) || user.InFlight != 0 {
		t.Errorf("the connection's row after %d creates: %+v; want %d remaining", creates, user, 400-creates)
	}
	if account.Remaining != int64(9000-polls) || !account.Reset.Equal(reset) || account.InFlight != 0 {
		t.Errorf("the account's row after %d polls: %+v; want %d remaining", polls, account, 9000-polls)
	}
}

// A request spends the budgets the X Ads API counts it against: a GET
// under an ads account the account's and its user's budget of reads (one
// row per connection), any other request its user's, one per connection;
// an API whose paths name no accounts has one per connection.
func TestLimitScopes(t *testing.T) {
	for _, tt := range []struct{ method, url, want string }{
		{"GET", "accounts/a1/campaigns", "c1 account a1|c1 reads"},
		{"GET", "/12/accounts/a1/line_items?count=7", "c1 account a1|c1 reads"},
		{"", "https://ads-api.x.com/12/accounts/a2/campaigns?cursor=x", "c1 account a2|c1 reads"},
		{"GET", "stats/jobs/accounts/a1", "c1 account a1|c1 reads"},
		{"POST", "accounts/a1/campaigns", "c1"},
		{"DELETE", "accounts/a1/campaigns/x", "c1"},
		{"POST", "batch/accounts/a1/campaigns", "c1"},
		{"GET", "accounts", "c1"},
		{"GET", "/v2/items", "c1"},
	} {
		if got := strings.Join(limitScopes("c1", tt.method, tt.url), "|"); got != tt.want {
			t.Errorf("%s %s: scopes %q, want %q", tt.method, tt.url, got, tt.want)
		}
	}
}
