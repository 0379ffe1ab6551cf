package flows

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openintegrator/integrator/host/store"
	"github.com/openintegrator/integrator/shared"
)

func writeLines(t *testing.T, path string, lines ...string) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// An edited input is not a new import: the records that are done are
// skipped, whatever line they are on and however their keys are ordered
// and spaced; a fixed line and a new one are sent.
func TestImportEditedFileSendsOnlyWhatIsNotDone(t *testing.T) {
	dir := t.TempDir()
	api := newWritesAPI()
	p, _ := fakePlugin(api.serve)
	s := testStore(t)
	in := writeLines(t, filepath.Join(dir, "in.jsonl"),
		`{"account_id":"a1","name":"one"}`,
		`{"account_id":"a1","name":"two"`, // malformed
		`{"account_id":"a1","name":"three"}`,
		`{"account_id":"a1","name":"same"}`,
		`{"account_id":"a1","name":"same"}`, // a second, identical record
	)
	im := testImport(s, p, in, dir)
	sum, err := im.Run(context.Background())
	if err != nil || sum.OK != 4 || sum.Failed != 1 {
		t.Fatalf("first run: %+v %v", sum, err)
	}
	// The user fixes line 2, reorders and respaces others, moves lines and
	// adds a third "same".
	writeLines(t, in,
		`{ "name" : "three", "account_id":"a1" }`,
		`{"account_id":"a1","name":"two"}`,
		`{"name":"one","account_id":"a1"}`,
		`{"account_id":"a1","name":"same"}`,
		`{"account_id":"a1","name":"same"}`,
		`{"account_id":"a1","name":"same"}`,
	)
	sum, err = im.Run(context.Background())
	if err != nil || sum.OK != 2 || sum.Earlier != 4 || sum.Failed != 0 {
		t.Fatalf("edited file: %+v %v", sum, err)
	}
	want := map[string]int{"one": 1, "two": 1, "three": 1, "same": 3}
	for name, n := range want {
		if api.created[name] != n {
			t.Errorf("%q created %d times, want %d", name, api.created[name], n)
		}
	}
	res := readResults(t, im.Results)
	if r := res[0]; !r.Earlier || r.Result != "ok" || r.ID == "" {
		t.Errorf("a record done before: %+v", r)
	}
	// --again sends them all, on purpose.
	im.Again = true
	if sum, err = im.Run(context.Background()); err != nil || sum.OK != 6 || sum.Earlier != 0 {
		t.Fatalf("--again: %+v %v", sum, err)
	}
	if api.created["one"] != 2 || api.created["same"] != 6 {
		t.Errorf("--again: %v", api.created)
	}
	// Another method or path is another ledger.
	im.Again, im.Method, im.PathTemplate = false, "PUT", "accounts/{account_id}/campaigns/{name}"
	if sum, err = im.Run(context.Background()); err != nil || sum.Earlier != 0 || sum.OK != 6 {
		t.Fatalf("PUT: %+v %v", sum, err)
	}
}

// Two runs of the same import at once: the second is refused with the
// first named, or waits for it with Wait and then finds everything done.
func TestImportTwoRunsOfTheSameImport(t *testing.T) {
	dir := t.TempDir()
	api := newWritesAPI()
	started, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	api.fault = func(n int, req shared.Request) (*shared.Response, error, bool) {
		once.Do(func() { close(started); <-release })
		return nil, nil, true
	}
	p, _ := fakePlugin(api.serve)
	s := testStore(t)
	in := writeInput(t, dir, 20, func(i int) string { return fmt.Sprint("n", i) })
	first := testImport(s, p, in, dir)
	first.ConnectionName = "ads"
	done := make(chan error)
	go func() { _, err := first.Run(context.Background()); done <- err }()
	<-started

	other, err := store.Open(context.Background(), filepath.Dir(s.Path)) // as another process would
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	p2, _ := fakePlugin(api.serve)
	second := testImport(other, p2, in, t.TempDir())
	_, err = second.Run(context.Background())
	var busy *store.BusyError
	if !errors.As(err, &busy) || !strings.Contains(err.Error(), fmt.Sprintf("pid %d", os.Getpid())) || !strings.Contains(err.Error(), `connection "ads"`) {
		t.Fatalf("second run: %v", err)
	}
	second.Wait = true
	go func() { time.Sleep(100 * time.Millisecond); close(release) }()
	sum, err := second.Run(context.Background())
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err != nil || sum.Earlier != 20 || sum.OK != 0 {
		t.Fatalf("waiting run: %+v %v", sum, err)
	}
	for name, n := range api.created {
		if n != 1 {
			t.Errorf("%s created %d times", name, n)
		}
	}
}

// Runs over overlapping files at once never send a record twice, and
// each accounts for every record of its file.
func TestImportOverlappingRunsAtOnce(t *testing.T) {
	dir := t.TempDir()
	api := newWritesAPI()
	api.fault = func(n int, req shared.Request) (*shared.Response, error, bool) {
		time.Sleep(2 * time.Millisecond)
		return nil, nil, true
	}
	s := testStore(t)
	var lines []string
	for i := range 60 {
		lines = append(lines, fmt.Sprintf(`{"account_id":"a1","name":"n%d"}`, i))
	}
	a := writeLines(t, filepath.Join(dir, "a.jsonl"), lines[:40]...)
	b := writeLines(t, filepath.Join(dir, "b.jsonl"), lines[20:]...)
	var wg sync.WaitGroup
	sums := make([]ImportSummary, 2)
	for i, in := range []string{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st, err := store.Open(context.Background(), filepath.Dir(s.Path))
			if err != nil {
				t.Error(err)
				return
			}
			defer st.Close()
			p, _ := fakePlugin(api.serve)
			im := testImport(st, p, in, t.TempDir())
			im.Concurrency, im.heldPoll = 4, 5*time.Millisecond
			sum, err := im.Run(context.Background())
			if err != nil {
				t.Error(err)
			}
			sums[i] = sum
		}()
	}
	wg.Wait()
	if len(api.created) != 60 {
		t.Errorf("%d of 60 created", len(api.created))
	}
	for name, n := range api.created {
		if n != 1 {
			t.Errorf("%s created %d times", name, n)
		}
	}
	for i, sum := range sums {
		if sum.Records != 40 || sum.OK+sum.Earlier != 40 {
			t.Errorf("run %d: %+v", i, sum)
		}
	}
	if sums[0].OK+sums[1].OK != 60 {
		t.Errorf("%d and %d sent", sums[0].OK, sums[1].OK)
	}
}

// A record waiting for a rate limit's reset is not "sending": a run
// stopped then leaves it to be sent by the next, not unknown.
func TestImportRecordWaitingForTheRateLimitIsNotSending(t *testing.T) {
	dir := t.TempDir()
	api := newWritesAPI()
	ctx, cancel := context.WithCancel(context.Background())
	api.fault = func(n int, req shared.Request) (*shared.Response, error, bool) {
		if n == 3 {
			resp := answerJSON(429, map[string]any{})
			resp.RateLimit = &shared.RateLimit{Remaining: 0, Reset: time.Now().Add(time.Hour)}
			go func() { time.Sleep(50 * time.Millisecond); cancel() }()
			return resp, nil, false
		}
		return nil, nil, true
	}
	p, _ := fakePlugin(api.serve)
	s := testStore(t)
	in := writeInput(t, dir, 10, func(i int) string { return fmt.Sprint("n", i) })
	im := testImport(s, p, in, dir)
	im.Concurrency = 4
	if _, err := im.Run(ctx); err == nil {
		t.Fatal("the run was not stopped")
	}
	api.fault = nil
	im.lim = &limiter{fallback: 5 * time.Millisecond}
	sum, err := im.Run(context.Background())
	if err != nil || sum.Unknown+sum.EarlierUnknown != 0 || sum.OK+sum.Earlier != 10 {
		t.Fatalf("%+v %v", sum, err)
	}
	if len(api.created) != 10 {
		t.Errorf("%d of 10 created", len(api.created))
	}
}

// Records too large to send fail with the limit named; the import goes on
// and the error file holds them as they were.
func TestImportTooLargeRecords(t *testing.T) {
	dir := t.TempDir()
	api := newWritesAPI()
	p, _ := fakePlugin(api.serve)
	huge := fmt.Sprintf(`{"account_id":"a1","name":"huge","blob":%q}`, strings.Repeat("z", 3<<20))
	long := fmt.Sprintf(`{"account_id":"a1","name":"long","blob":%q}`, strings.Repeat("q", 100<<10))
	in := writeLines(t, filepath.Join(dir, "in.jsonl"),
		`{"account_id":"a1","name":"before"}`, huge, long, `{"account_id":"a1","name":"after"}`)
	im := testImport(testStore(t), p, in, dir)
	sum, err := im.Run(context.Background())
	if err != nil || sum.OK != 2 || sum.Failed != 2 || sum.Unknown != 0 {
		t.Fatalf("%+v %v", sum, err)
	}
	res := readResults(t, im.Results)
	if r := res[1]; r.Code != CodeTooLarge || !strings.Contains(r.Message, "--max-record-size") || !strings.Contains(r.Message, "1 MiB") {
		t.Errorf("huge: %+v", r)
	}
	if r := res[2]; r.Code != CodeTooLarge || !strings.Contains(r.Message, "--as form or --as json") {
		t.Errorf("long query: %+v", r)
	}
	if got := readFile(t, im.Errors); got != huge+"\n"+long+"\n" {
		t.Errorf("the error file does not hold the lines as they were (%d bytes)", len(got))
	}
	if api.created["huge"]+api.created["long"] != 0 || api.calls.Load() != 2 {
		t.Errorf("%d requests", api.calls.Load())
	}
	// With --as json the long record goes in the body.
	im.As = AsJSON
	if sum, err := im.Run(context.Background()); err != nil || sum.OK != 3 {
		t.Errorf("--as json: %+v %v", sum, err)
	}
}

// A record that is not valid UTF-8 fails; the others are sent.
func TestImportInvalidUTF8(t *testing.T) {
	dir := t.TempDir()
	api := newWritesAPI()
	p, _ := fakePlugin(api.serve)
	in := writeLines(t, filepath.Join(dir, "in.jsonl"),
		"{\"account_id\":\"a1\",\"name\":\"bad\xff\"}", `{"account_id":"a1","name":"half\ud800"}`, `{"account_id":"a1","name":"pair\ud83d\ude00"}`,
		`{"account_id":"a1","name":"x","name":"y"}`)
	im := testImport(testStore(t), p, in, dir)
	sum, err := im.Run(context.Background())
	if err != nil || sum.OK != 1 || sum.Failed != 3 {
		t.Fatalf("%+v %v", sum, err)
	}
	res := readResults(t, im.Results)
	for i, want := range []string{"not valid UTF-8 (byte 31 is 0xff)", `\ud800`, "", `field "name" appears twice`} {
		if want != "" && (res[i].Code != CodeInvalidRecord || !strings.Contains(res[i].Message, want)) {
			t.Errorf("line %d: %+v, want %q", i+1, res[i], want)
		}
	}
	if api.created["pair😀"] != 1 {
		t.Errorf("created %v", api.created)
	}
}

// When the ledger cannot be written, the stopped import does not claim
// that every outcome is in it.
func TestImportLedgerFailureIsReported(t *testing.T) {
	dir := t.TempDir()
	api := newWritesAPI()
	s := testStore(t)
	api.fault = func(n int, req shared.Request) (*shared.Response, error, bool) {
		if n == 3 { // the ledger cannot take this record's outcome: its connection is gone
			db, err := sql.Open("sqlite", s.Path+"?_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)")
			if err != nil {
				panic(err)
			}
			defer db.Close()
			if _, err := db.Exec(`DELETE FROM run_leases; DELETE FROM connections`); err != nil {
				panic(err)
			}
		}
		return nil, nil, true
	}
	p, _ := fakePlugin(api.serve)
	in := writeInput(t, dir, 10, func(i int) string { return fmt.Sprint("n", i) })
	im := testImport(s, p, in, dir)
	im.Concurrency = 1
	_, err := im.Run(context.Background())
	var stopped *StoppedError
	if !errors.As(err, &stopped) || !strings.Contains(err.Error(), "recording the outcome") {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(stopped.Kept, "every outcome so far is in the ledger") || !strings.Contains(stopped.Kept, "could not record the outcome of 1 record") {
		t.Errorf("kept: %q", stopped.Kept)
	}
}
