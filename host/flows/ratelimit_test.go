package flows

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// calmDown is what a connector answers for an API whose spent rate limit
// is a 420, a status of its own, when it did not wait for the reset
// itself: the status, a shared.CodeRateLimited diagnostic, and the reset
// it read (how many requests are left is not known). coded false leaves
// out the diagnostic: a plain 420.
func calmDown(reset time.Time, coded bool) *shared.Response {
	resp := answerJSON(420, map[string]any{"error": "enhance your calm"})
	resp.RateLimit = &shared.RateLimit{Remaining: -1, Reset: reset}
	if coded {
		resp.Diagnostics = schema.Diagnostics{schema.Errorf("", shared.CodeRateLimited, "retry at or after the reset time",
			"rate limit reached (api budget); it resets at %s", reset.UTC().Format(time.RFC3339))}
	}
	return resp
}

// A 420 the connector marks as a rate limit holds back every sender until
// its reset; a plain 420, a rate_limited warning or a 2xx does not.
func TestLimiterHoldsOnARateLimitOfAnyStatus(t *testing.T) {
	reset := time.Now().Add(time.Hour)
	warned := answer(420, "")
	warned.Diagnostics = schema.Diagnostics{schema.Warningf("", shared.CodeRateLimited, "", "close to the limit")}
	ok := calmDown(reset, true)
	ok.Status = 200
	for name, tt := range map[string]struct {
		resp *shared.Response
		hold bool
	}{
		"420 rate_limited": {calmDown(reset, true), true},
		"plain 420":        {calmDown(reset, false), false},
		"a warning":        {warned, false},
		"a 2xx":            {ok, false},
	} {
		l := newLimiter()
		l.observe(tt.resp.ResponseHead)
		if l.holding() != tt.hold {
			t.Errorf("%s: holding %v", name, l.holding())
		}
		if tt.hold && !l.until.Equal(reset) {
			t.Errorf("%s: holds until %v, want the reset %v", name, l.until, reset)
		}
	}
}

// An export through an API whose rate limit is a 420 waits it out: once,
// until the reset, and every record is saved. A 420 the connector does
// not mark as a rate limit is a refusal that stops the export at once.
func TestExportWaitsOutARateLimitOfItsOwnStatus(t *testing.T) {
	api := &listAPI{n: 50}
	var mu sync.Mutex
	var reset time.Time
	var n, limited atomic.Int32
	p, _ := fakePlugin(func(req shared.Request) (*shared.Response, error) {
		mu.Lock()
		defer mu.Unlock()
		if n.Add(1) == 3 {
			reset = time.Now().Add(100 * time.Millisecond)
		}
		if time.Now().Before(reset) { // the budget is spent until the reset
			limited.Add(1)
			return calmDown(reset, true), nil
		}
		return api.serve(req), nil
	})
	out := filepath.Join(t.TempDir(), "out.jsonl")
	x := testExport(t, testStore(t), p, out)
	sum, err := x.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, out); got != api.want(50) || sum.Records != 50 {
		t.Errorf("%d records saved, want 50", sum.Records)
	}
	if limited.Load() != 1 {
		t.Errorf("%d answers of 420: the export asked again before the reset", limited.Load())
	}

	var calls atomic.Int32
	p, _ = fakePlugin(func(req shared.Request) (*shared.Response, error) {
		calls.Add(1)
		return calmDown(time.Now().Add(time.Hour), false), nil
	})
	x = testExport(t, testStore(t), p, filepath.Join(t.TempDir(), "out.jsonl"))
	if _, err := x.Run(context.Background()); err == nil || !strings.Contains(err.Error(), "HTTP 420") || calls.Load() != 1 {
		t.Errorf("a plain 420: %v after %d requests", err, calls.Load())
	}
}

// An import through an API whose rate limit is a 420 holds back every
// worker until the reset (each sends at most the one request it had out)
// and records no failure: the records answered 420 were not applied, and
// are sent again.
func TestImportHoldsEveryWorkerOnARateLimitOfItsOwnStatus(t *testing.T) {
	dir := t.TempDir()
	api := newWritesAPI()
	var mu sync.Mutex
	var reset time.Time
	var limited int
	api.fault = func(n int, req shared.Request) (*shared.Response, error, bool) {
		mu.Lock()
		defer mu.Unlock()
		if n == 5 {
			reset = time.Now().Add(200 * time.Millisecond)
		}
		if time.Now().Before(reset) {
			limited++
			return calmDown(reset, true), nil, false
		}
		return nil, nil, true
	}
	p, _ := fakePlugin(api.serve)
	in := writeInput(t, dir, 40, func(i int) string { return fmt.Sprint("n", i) })
	im := testImport(testStore(t), p, in, dir)
	im.Concurrency = 8
	sum, err := im.Run(context.Background())
	if err != nil || sum.OK != 40 || sum.Failed != 0 || sum.Unknown != 0 {
		t.Fatalf("%+v %v", sum, err)
	}
	for _, r := range readResults(t, im.Results) {
		if r.Result != "ok" {
			t.Errorf("line %d: %+v", r.Line, r)
		}
	}
	if limited == 0 || limited > im.Concurrency {
		t.Errorf("%d answers of 420 for %d workers: the workers were not held back", limited, im.Concurrency)
	}
	for i := range 40 {
		if n := api.created[fmt.Sprint("n", i)]; n != 1 {
			t.Errorf("campaign n%d created %d times", i, n)
		}
	}
}

// A report whose job creation meets a rate limit of the API's own status
// waits for the reset and creates the job then: the report is whole, each
// job created once.
func TestReportWaitsOutARateLimitOfItsOwnStatus(t *testing.T) {
	api := newStatsAPI()
	var limited atomic.Int32
	p, _ := fakePlugin(func(req shared.Request) (*shared.Response, error) {
		if req.Method == "POST" && limited.Add(1) == 1 {
			return calmDown(time.Now().Add(50*time.Millisecond), true), nil
		}
		return api.serve(req)
	})
	r := testReport(p, 5, 10)
	r.Out = filepath.Join(t.TempDir(), "report.jsonl")
	sum, err := r.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if sum.Jobs != 1 || sum.Rows != 5 || len(api.created) != 1 {
		t.Errorf("summary %+v, %d jobs created", sum, len(api.created))
	}
}
