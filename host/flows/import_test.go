package flows

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/openintegrator/integrator/shared"
)

func TestImportOneByOne(t *testing.T) {
	dir := t.TempDir()
	api := newWritesAPI()
	var mu sync.Mutex
	var reqs []shared.Request
	p, _ := fakePlugin(func(req shared.Request) (*shared.Response, error) {
		mu.Lock()
		reqs = append(reqs, req)
		mu.Unlock()
		return api.serve(req)
	})
	in := writeInput(t, dir, 30, func(i int) string {
		if i == 7 {
			return "bad7"
		}
		return fmt.Sprint("n", i)
	})
	// A blank line and a line that is not a record.
	f, _ := os.OpenFile(in, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("\n[1,2]\n")
	f.Close()
	s := testStore(t)
	im := testImport(s, p, in, dir)
	im.Concurrency = 4
	sum, err := im.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if sum.Records != 31 || sum.OK != 29 || sum.Failed != 2 || sum.Unknown != 0 {
		t.Errorf("summary %+v", sum)
	}
	res := readResults(t, im.Results)
	if len(res) != 31 {
		t.Fatalf("%d results", len(res))
	}
	for i, r := range res[:30] {
		if r.Line != int64(i+1) {
			t.Errorf("result %d is of line %d: results must follow the input", i, r.Line)
		}
		if i != 7 && (r.Result != "ok" || r.Status != 200 || r.ID == "") {
			t.Errorf("line %d: %+v", r.Line, r)
		}
	}
	if r := res[7]; r.Result != "failed" || r.Status != 400 || r.Code != "INVALID_PARAMETER" {
		t.Errorf("bad record: %+v", r)
	}
	if r := res[30]; r.Line != 32 || r.Code != CodeInvalidRecord {
		t.Errorf("not a record: %+v", r)
	}
	wantErrs := `{"account_id":"a1","name":"bad7","funding_instrument_id":"f1","daily_budget_amount_local_micro":5000000}` + "\n[1,2]\n"
	if got := readFile(t, im.Errors); got != wantErrs {
		t.Errorf("errors file:\n%s", got)
	}
	// The path is filled, the other fields go in the query, in order.
	want := []shared.Param{{Key: "name", Value: "n0"}, {Key: "funding_instrument_id", Value: "f1"}, {Key: "daily_budget_amount_local_micro", Value: "5000000"}}
	for _, r := range reqs {
		if r.MaxAttempts != 1 {
			t.Errorf("request with %d attempts: the import retries itself", r.MaxAttempts)
		}
		if r.Query[0].Value == "n0" {
			if diff := cmp.Diff(want, r.Query); diff != "" || r.URL != "accounts/a1/campaigns" || r.Method != "POST" {
				t.Errorf("request %+v\n%s", r, diff)
			}
		}
	}
	// Run again: everything is in the ledger, nothing is sent.
	before := api.calls.Load()
	sum, err = im.Run(context.Background())
	if err != nil || sum.Earlier != 29 || sum.OK != 0 || api.calls.Load() != before+1 { // the failed record is tried again
		t.Errorf("second run: %+v %v, %d calls", sum, err, api.calls.Load()-before)
	}
	for name, n := range api.created {
		if n != 1 {
			t.Errorf("%s created %d times", name, n)
		}
	}
}

func TestImportNeverSendsAnUnknownCreateTwice(t *testing.T) {
	dir := t.TempDir()
	api := newWritesAPI()
	api.fault = func(n int, req shared.Request) (*shared.Response, error, bool) {
		switch n % 7 {
		case 1: // the API applied it, the answer was lost
			return noAnswerWith("connection_reset", CodeOutcomeUnknown), nil, true
		case 2: // never reached the API
			return noAnswer("connection_refused"), nil, false
		case 3: // the plugin died with the request out, which was applied
			return nil, errDown, true
		case 4:
			return answerJSON(429, map[string]any{}), nil, false
		}
		return nil, nil, true
	}
	p, _ := fakePlugin(api.serve)
	p.maxRestarts = 100
	in := writeInput(t, dir, 60, func(i int) string { return fmt.Sprint("n", i) })
	s := testStore(t)
	im := testImport(s, p, in, dir)
	sum, err := im.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if sum.Unknown == 0 || sum.OK+sum.Unknown != 60 || sum.Failed != 0 {
		t.Fatalf("summary %+v", sum)
	}
	res := readResults(t, im.Results)
	unknown := 0
	for _, r := range res {
		if r.Result == "unknown" {
			unknown++
			if r.Code != CodeOutcomeUnknown && r.Code != CodePluginStopped {
				t.Errorf("unknown with code %q", r.Code)
			}
		}
	}
	errLines := strings.Count(readFile(t, im.Errors), "\n")
	if unknown != int(sum.Unknown) || errLines != unknown {
		t.Errorf("%d unknown results, %d error lines, summary %+v", unknown, errLines, sum)
	}
	// The same import again sends nothing: unknown creates are listed, not retried.
	api.fault = nil
	before := api.calls.Load()
	sum2, err := im.Run(context.Background())
	if err != nil || api.calls.Load() != before || sum2.EarlierUnknown != sum.Unknown || sum2.Earlier != 60 || sum2.OK+sum2.Unknown+sum2.Failed != 0 {
		t.Fatalf("re-run: %+v %v, %d calls", sum2, err, api.calls.Load()-before)
	}
	for name, n := range api.created {
		if n != 1 {
			t.Errorf("%s created %d times", name, n)
		}
	}
	// Here every unknown write was applied, as listing would show: the
	// user drops those from the error file; feeding back the rest (none)
	// completes the set.
	if len(api.created) != 60 {
		t.Errorf("%d created", len(api.created))
	}
}

func TestImportErrorFileFedBackCompletesTheSet(t *testing.T) {
	dir := t.TempDir()
	api := newWritesAPI()
	api.fault = func(n int, req shared.Request) (*shared.Response, error, bool) {
		if n%5 == 0 { // reset before the API saw it: not applied, outcome unknown
			return noAnswerWith("connection_reset", CodeOutcomeUnknown), nil, false
		}
		return nil, nil, true
	}
	p, _ := fakePlugin(api.serve)
	in := writeInput(t, dir, 40, func(i int) string { return fmt.Sprint("n", i) })
	s := testStore(t)
	im := testImport(s, p, in, dir)
	sum, err := im.Run(context.Background())
	if err != nil || sum.Unknown == 0 {
		t.Fatalf("%+v %v", sum, err)
	}
	// Feed the error file back as a new input.
	api.fault = nil
	again := filepath.Join(dir, "retry.jsonl")
	if err := os.Rename(im.Errors, again); err != nil {
		t.Fatal(err)
	}
	im2 := testImport(s, p, again, dir)
	// Without --again, the records whose outcome is unknown are not sent.
	sum2, err := im2.Run(context.Background())
	if err != nil || sum2.Earlier != sum.Unknown || sum2.EarlierUnknown != sum.Unknown || sum2.OK != 0 {
		t.Fatalf("feeding back without --again: %+v %v", sum2, err)
	}
	im2.Again = true
	sum2, err = im2.Run(context.Background())
	if err != nil || sum2.Earlier != 0 || sum2.OK != sum.Unknown {
		t.Fatalf("feeding back: %+v %v", sum2, err)
	}
	if len(api.created) != 40 {
		t.Errorf("%d of 40 created", len(api.created))
	}
	for name, n := range api.created {
		if n != 1 {
			t.Errorf("%s created %d times", name, n)
		}
	}
}

// A stopped import sends no new record, and waits for the requests in
// flight, so that their outcome is known.
func TestImportStopWaitsForRequestsInFlight(t *testing.T) {
	dir := t.TempDir()
	api := newWritesAPI()
	ctx, cancel := context.WithCancel(context.Background())
	api.fault = func(n int, req shared.Request) (*shared.Response, error, bool) {
		if n == 10 { // the run is stopped while this one is out
			cancel()
			time.Sleep(50 * time.Millisecond)
		}
		return nil, nil, true
	}
	p, _ := fakePlugin(api.serve)
	in := writeInput(t, dir, 25, func(i int) string { return fmt.Sprint("n", i) })
	s := testStore(t)
	im := testImport(s, p, in, dir)
	im.Concurrency = 1
	if _, err := im.Run(ctx); err == nil || !strings.Contains(err.Error(), "run the same command again") {
		t.Fatalf("interrupted run: %v", err)
	}
	if _, err := os.Stat(im.Results); !os.IsNotExist(err) {
		t.Errorf("results of an interrupted run were put in place")
	}
	if n := api.calls.Load(); n != 10 {
		t.Errorf("%d requests: none may be sent after the stop", n)
	}
	sum, err := im.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// Line 10 was out when the run stopped: its answer was waited for.
	res := readResults(t, im.Results)
	if r := res[9]; r.Result != "ok" || !r.Earlier || r.ID == "" {
		t.Errorf("line 10: %+v", r)
	}
	if sum.OK != 15 || sum.Unknown != 0 || sum.Earlier != 10 || sum.EarlierUnknown != 0 {
		t.Errorf("summary %+v", sum)
	}
	if len(api.created) != 25 {
		t.Errorf("%d created", len(api.created))
	}
	for name, n := range api.created {
		if n != 1 {
			t.Errorf("%s created %d times", name, n)
		}
	}
}

// A request still out when the stopped import's grace period ends leaves
// its record "sending": the next run reports it unknown and does not send
// it again.
func TestImportAfterACrash(t *testing.T) {
	dir := t.TempDir()
	api := newWritesAPI()
	ctx, cancel := context.WithCancel(context.Background())
	release := make(chan struct{})
	defer close(release)
	api.fault = func(n int, req shared.Request) (*shared.Response, error, bool) {
		if n == 10 { // the run is stopped while this one is out, and it never comes back
			cancel()
			<-release
		}
		return nil, nil, true
	}
	p, _ := fakePlugin(api.serve)
	in := writeInput(t, dir, 25, func(i int) string { return fmt.Sprint("n", i) })
	s := testStore(t)
	im := testImport(s, p, in, dir)
	im.Concurrency, im.StopGrace = 1, 20*time.Millisecond
	if _, err := im.Run(ctx); err == nil || !strings.Contains(err.Error(), "run the same command again") {
		t.Fatalf("interrupted run: %v", err)
	}
	api.fault = nil
	sum, err := im.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	res := readResults(t, im.Results)
	if r := res[9]; r.Result != "unknown" || !r.Earlier || r.Code != CodeOutcomeUnknown {
		t.Errorf("line 10: %+v", r)
	}
	if sum.OK != 15 || sum.Unknown != 0 || sum.Earlier != 10 || sum.EarlierUnknown != 1 {
		t.Errorf("summary %+v", sum)
	}
	if len(api.created) != 24 {
		t.Errorf("%d created; line 10's request never reached the API", len(api.created))
	}
}

func TestImportBatches(t *testing.T) {
	dir := t.TempDir()
	api := newWritesAPI()
	var mu sync.Mutex
	var sizes []int
	p, _ := fakePlugin(func(req shared.Request) (*shared.Response, error) {
		var ops []any
		json.Unmarshal(req.Body, &ops)
		mu.Lock()
		sizes = append(sizes, len(ops))
		mu.Unlock()
		if req.URL != "batch/accounts/a1/campaigns" || req.Method != "POST" {
			t.Errorf("request %s %s", req.Method, req.URL)
		}
		return api.serve(req)
	})
	in := writeInput(t, dir, 100, func(i int) string {
		if i == 45 {
			return "bad45"
		}
		return fmt.Sprint("n", i)
	})
	s := testStore(t)
	im := testImport(s, p, in, dir)
	im.BatchPath, im.Batch, im.Concurrency = "batch/accounts/{account_id}/campaigns", 40, 2
	sum, err := im.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if sum.OK != 99 || sum.Failed != 1 {
		t.Errorf("summary %+v", sum)
	}
	// 40, 40 (refused for one record, then 39 again), 20.
	mu.Lock()
	got := fmt.Sprint(sizes)
	mu.Unlock()
	if !strings.Contains(got, "39") || len(sizes) != 4 {
		t.Errorf("batch sizes %s", got)
	}
	res := readResults(t, im.Results)
	if r := res[45]; r.Result != "failed" || r.Code != "INVALID_PARAMETER" || !strings.Contains(r.Message, "name: bad name") {
		t.Errorf("bad record: %+v", r)
	}
	if r := res[44]; r.Result != "ok" || r.ID == "" {
		t.Errorf("its batch neighbour: %+v", r)
	}
	if len(api.created) != 99 {
		t.Errorf("%d created", len(api.created))
	}
}

func TestImportWorkersShareTheRateLimit(t *testing.T) {
	dir := t.TempDir()
	api := newWritesAPI()
	var mu sync.Mutex
	var limitedAt, reset time.Time
	var early int
	api.fault = func(n int, req shared.Request) (*shared.Response, error, bool) {
		mu.Lock()
		defer mu.Unlock()
		now := time.Now()
		if !limitedAt.IsZero() && now.Before(reset) && now.Sub(limitedAt) > 20*time.Millisecond {
			early++ // sent during the wait, well after the 429 was seen
		}
		if n == 5 {
			limitedAt, reset = now, now.Add(300*time.Millisecond)
			resp := answerJSON(429, map[string]any{})
			resp.RateLimit = &shared.RateLimit{Remaining: 0, Reset: reset}
			return resp, nil, false
		}
		return nil, nil, true
	}
	p, _ := fakePlugin(api.serve)
	in := writeInput(t, dir, 40, func(i int) string { return fmt.Sprint("n", i) })
	im := testImport(testStore(t), p, in, dir)
	im.Concurrency = 8
	start := time.Now()
	sum, err := im.Run(context.Background())
	if err != nil || sum.OK != 40 {
		t.Fatalf("%+v %v", sum, err)
	}
	if early > 0 {
		t.Errorf("%d requests were sent while the rate limit was spent", early)
	}
	if time.Since(start) < 300*time.Millisecond {
		t.Errorf("the run did not wait for the reset")
	}
}

func TestImportIdempotentUnknownIsRetried(t *testing.T) {
	dir := t.TempDir()
	var calls atomic.Int32
	p, _ := fakePlugin(func(req shared.Request) (*shared.Response, error) {
		if calls.Add(1) == 1 {
			return noAnswerWith("connection_reset", CodeOutcomeUnknown), nil
		}
		return answerJSON(200, map[string]any{"data": map[string]any{"id": "x"}}), nil
	})
	in := writeInput(t, dir, 1, func(int) string { return "n" })
	im := testImport(testStore(t), p, in, dir)
	im.Method, im.PathTemplate = "PUT", "accounts/{account_id}/campaigns/{name}"
	sum, err := im.Run(context.Background())
	if err != nil || sum.OK != 1 || calls.Load() != 2 {
		t.Errorf("%+v %v, %d calls", sum, err, calls.Load())
	}
}

func TestImportStopsWhenTheAPIIsUnreachable(t *testing.T) {
	dir := t.TempDir()
	var calls atomic.Int32
	p, _ := fakePlugin(func(req shared.Request) (*shared.Response, error) {
		calls.Add(1)
		return noAnswer("connection_refused"), nil
	})
	in := writeInput(t, dir, 200, func(i int) string { return fmt.Sprint("n", i) })
	s := testStore(t)
	im := testImport(s, p, in, dir)
	im.Concurrency = 2
	_, err := im.Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "could not be reached") {
		t.Fatalf("err = %v", err)
	}
	if n := calls.Load(); n > 20 {
		t.Errorf("%d requests to an API that cannot be reached", n)
	}
	// Nothing was sent, so a later run sends everything.
	p2, _ := fakePlugin(newWritesAPI().serve)
	im = testImport(s, p2, in, dir)
	sum, err := im.Run(context.Background())
	if err != nil || sum.OK != 200 {
		t.Errorf("%+v %v", sum, err)
	}
}
