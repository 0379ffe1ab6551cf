package flows

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/openintegrator/integrator/host/store"
	"github.com/openintegrator/integrator/shared"
)

// eachStore runs test on a store with one connection, "c1", of each
// backend: SQLite, and PostgreSQL when INTEGRATOR_TEST_POSTGRES names a
// server (sharedPlace's: a schema of its own, dropped at the end);
// skipped, saying so, when it does not.
func eachStore(t *testing.T, test func(t *testing.T, s *store.Store)) {
	t.Run("sqlite", func(t *testing.T) { test(t, testStore(t)) })
	t.Run("postgres", func(t *testing.T) { test(t, sharedPlace(t, "postgres", 1)[0]) })
}

// chunkInput is an input with what chunks must keep: blank lines (at the
// start, inside, at the end), identical records across chunks, a line
// that is not a record, a record that fails at the API and a line longer
// than the record limit.
func chunkInput(t *testing.T, dir string) string {
	t.Helper()
	var b bytes.Buffer
	b.WriteString("\n\n")
	for i := range 23 {
		name := fmt.Sprint("n", i)
		switch {
		case i%5 == 0:
			name = "same" // the same record, in several chunks
		case i == 7:
			name = "bad7"
		}
		fmt.Fprintf(&b, `{"account_id":"a1","name":%q}`+"\n", name)
		if i == 10 {
			b.WriteString("\n[1,2]\n" + `{"account_id":"a1","name":"` + strings.Repeat("x", 300) + `"}` + "\n")
		}
	}
	b.WriteString("\n")
	path := filepath.Join(dir, "in.jsonl")
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// The chunks of a plan cover the input exactly, each from a record on,
// hold at most the records asked, and know how often their records occur
// before them.
func TestPlanChunks(t *testing.T) {
	in := chunkInput(t, t.TempDir())
	data, _ := os.ReadFile(in)
	chunks, err := PlanChunks(bytes.NewReader(data), 4, 200)
	if err != nil {
		t.Fatal(err)
	}
	var records, next int64
	var lines int64
	for i, c := range chunks {
		if c.Seq != i || c.Offset != next || c.Records < 1 || c.Records > 4 {
			t.Errorf("chunk %d: %+v (next offset %d)", i, c, next)
		}
		if c.Line != lines {
			t.Errorf("chunk %d starts after line %d, want %d", i, c.Line, lines)
		}
		part := data[c.Offset : c.Offset+c.Size]
		lines += int64(bytes.Count(part, []byte("\n")))
		if i > 0 && (part[0] == '\n') {
			t.Errorf("chunk %d starts with a blank line", i)
		}
		records += c.Records
		next = c.Offset + c.Size
	}
	if next != int64(len(data)) || records != 25 {
		t.Fatalf("the chunks cover %d of %d bytes and %d of 25 records", next, len(data), records)
	}
	// "same" is record 0, 5, 10, 15, 20 (of the named ones): chunk 0 has
	// the first two, so chunk 1's first "same" (record 10) is its third.
	same := sha256Hex(`{"account_id":"a1","name":"same"}`)
	if got := chunks[0].Prior[same]; got != 0 {
		t.Errorf("chunk 0's prior: %v", chunks[0].Prior)
	}
	if got := chunks[2].Prior[same]; got != 2 {
		t.Errorf("chunk 2 (records 8 to 11) has the third \"same\": its prior is %v, want 2", chunks[2].Prior)
	}
	if _, err := PlanChunks(bytes.NewReader(data), MaxChunkRecords+1, 0); err == nil || !strings.Contains(err.Error(), "⟪chunk⟫") {
		t.Errorf("too many records a chunk: %v", err)
	}
	if none, err := PlanChunks(strings.NewReader("\n \n"), 0, 0); err != nil || len(none) != 0 {
		t.Errorf("blank input: %v %v", none, err)
	}
}

func sha256Hex(canon string) string {
	k := occurrences{}.key([]byte(canon))
	return k.Hash
}

// runChunks imports in chunk by chunk, as queued jobs do, and returns the
// results and errors concatenated in chunk order.
func runChunks(t *testing.T, im *Import, runID, in string, per int) (string, string, ImportSummary) {
	t.Helper()
	data, err := os.ReadFile(in)
	if err != nil {
		t.Fatal(err)
	}
	chunks, err := PlanChunks(bytes.NewReader(data), per, im.MaxRecordBytes)
	if err != nil {
		t.Fatal(err)
	}
	var results, errs bytes.Buffer
	var total ImportSummary
	for _, c := range chunks {
		sum, err := im.RunChunk(context.Background(), runID, c, bytes.NewReader(data[c.Offset:c.Offset+c.Size]), &results, &errs)
		if err != nil {
			t.Fatalf("chunk %d: %v", c.Seq, err)
		}
		total.Records += sum.Records
		total.OK += sum.OK
		total.Failed += sum.Failed
		total.Unknown += sum.Unknown
		total.Earlier += sum.Earlier
	}
	return results.String(), errs.String(), total
}

// Imported chunk by chunk, an input gives the results and errors the
// import in one process gives: the same line numbers, the same outcomes,
// identical records kept apart across chunks (each created once), and
// the same error lines.
func TestImportChunksEqualOneRun(t *testing.T) {
	eachStore(t, func(t *testing.T, s *store.Store) {
		dir := t.TempDir()
		in := chunkInput(t, dir)

		whole := newWritesAPI()
		p1, _ := fakePlugin(whole.serve)
		one := testImport(testStore(t), p1, in, dir)
		one.MaxRecordBytes = 200
		oneSum, err := one.Run(context.Background())
		if err != nil {
			t.Fatal(err)
		}

		api := newWritesAPI()
		p2, _ := fakePlugin(api.serve)
		im := testImport(s, p2, in, dir)
		im.MaxRecordBytes = 200
		results, errs, sum := runChunks(t, im, "run1", in, 4)

		strip := func(rs []Result) []Result {
			for i := range rs {
				rs[i].ID = ""
			}
			return rs
		}
		if diff := cmp.Diff(strip(readResults(t, one.Results)), strip(parseResults(t, results))); diff != "" {
			t.Errorf("results (-one process +chunks):\n%s", diff)
		}
		if want := readFile(t, one.Errors); errs != want {
			t.Errorf("errors:\n%s\nwant:\n%s", errs, want)
		}
		if sum.Records != oneSum.Records || sum.OK != oneSum.OK || sum.Failed != oneSum.Failed || sum.Unknown != 0 || sum.Earlier != 0 {
			t.Errorf("chunks' summary %+v, one process's %+v", sum, oneSum)
		}
		if got := api.createdNow(); !cmp.Equal(got, whole.createdNow()) || got["same"] != 5 {
			t.Errorf("created %v, one process created %v", got, whole.createdNow())
		}
	})
}

func parseResults(t *testing.T, text string) []Result {
	t.Helper()
	path := filepath.Join(t.TempDir(), "r.jsonl")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return readResults(t, path)
}

// A chunk run again after its first attempt ended with a create out (its
// worker died: its lease is gone, the record still "sending") sends
// nothing twice: the records the first attempt did are skipped and keep
// that attempt's outcome, as this run's (not "earlier"), and the create
// that was out is reported unknown, never sent again.
func TestImportChunkAgainAfterItsAttemptDied(t *testing.T) {
	eachStore(t, func(t *testing.T, s *store.Store) {
		dir := t.TempDir()
		in := writeInput(t, dir, 6, func(i int) string { return fmt.Sprint("n", i) })
		data, _ := os.ReadFile(in)
		chunks, err := PlanChunks(bytes.NewReader(data), 0, 0)
		if err != nil || len(chunks) != 1 {
			t.Fatalf("%v %v", chunks, err)
		}
		api := newWritesAPI()
		hang := make(chan struct{})
		var once sync.Once
		api.fault = func(n int, req shared.Request) (*shared.Response, error, bool) {
			if strings.Contains(req.URL, "campaigns") && nameIs(req, "n3") {
				api.apply(req) // applied, and its answer never comes
				once.Do(func() { <-hang })
				return nil, errors.New("connection reset"), false
			}
			return nil, nil, true
		}
		defer close(hang)
		p, _ := fakePlugin(api.serve)
		im := testImport(s, p, in, dir)
		im.Concurrency = 1
		im.StopGrace = 50 * time.Millisecond
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			for api.calls.Load() < 4 {
				time.Sleep(5 * time.Millisecond)
			}
			cancel() // the worker goes away with n3 out
		}()
		var r1, e1 bytes.Buffer
		_, err = im.RunChunk(ctx, "run1", chunks[0], bytes.NewReader(data), &r1, &e1)
		if err == nil {
			t.Fatal("the first attempt ended without an error")
		}
		// A worker's log says what happens to a chunk, not the advice of a
		// command run by hand.
		if strings.Contains(err.Error(), "run the same command") || !strings.Contains(err.Error(), "the chunk goes on from there when the queue runs it again") {
			t.Errorf("the stopped chunk says: %v", err)
		}
		if got := api.createdNow(); got["n0"] != 1 || got["n3"] != 1 || got["n4"] != 0 {
			t.Fatalf("after the first attempt: %v", got)
		}

		var results, errs bytes.Buffer
		sum, err := im.RunChunk(context.Background(), "run1", chunks[0], bytes.NewReader(data), &results, &errs)
		if err != nil {
			t.Fatal(err)
		}
		for i := range 6 {
			if n := api.createdNow()[fmt.Sprint("n", i)]; n != 1 {
				t.Errorf("n%d created %d times", i, n)
			}
		}
		res := parseResults(t, results.String())
		if len(res) != 6 || res[3].Result != store.ImportUnknown || res[3].Code != store.CodeOutcomeUnknown {
			t.Fatalf("results: %+v", res)
		}
		for _, r := range res {
			if r.Earlier {
				t.Errorf("line %d is reported as done before the run, though an attempt of this run did it: %+v", r.Line, r)
			}
		}
		if sum.OK != 5 || sum.Unknown != 1 || sum.Earlier != 0 {
			t.Errorf("summary %+v", sum)
		}
		if !strings.Contains(errs.String(), `"name":"n3"`) || strings.Count(errs.String(), "\n") != 1 {
			t.Errorf("errors: %q", errs.String())
		}

		// Another queued run of the same records finds them done before.
		var r3 bytes.Buffer
		sum, err = im.RunChunk(context.Background(), "run2", chunks[0], bytes.NewReader(data), &r3, io.Discard)
		if err != nil || sum.Earlier != 6 || sum.OK != 0 {
			t.Errorf("another run: %+v %v", sum, err)
		}
	})
}

// createdNow is a copy of what the API created, read under its lock (a
// request of a stopped attempt may still be applying).
func (a *writesAPI) createdNow() map[string]int {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := map[string]int{}
	for k, v := range a.created {
		out[k] = v
	}
	return out
}

func nameIs(req shared.Request, name string) bool {
	for _, p := range req.Query {
		if p.Key == "name" && p.Value == name {
			return true
		}
	}
	return false
}

// With Again (send what is done, on purpose), a chunk run again after its
// attempt died still sends nothing that attempt sent: Again is about
// records done before the run, not by the run itself; the create the
// attempt left in flight is reported unknown.
func TestImportChunkAgainKeepsWhatItsRunDid(t *testing.T) {
	eachStore(t, func(t *testing.T, s *store.Store) {
		dir := t.TempDir()
		in := writeInput(t, dir, 4, func(i int) string { return fmt.Sprint("n", i) })
		data, _ := os.ReadFile(in)
		chunks, _ := PlanChunks(bytes.NewReader(data), 0, 0)
		api := newWritesAPI()
		hang := make(chan struct{})
		defer close(hang)
		var hung atomic.Bool
		api.fault = func(n int, req shared.Request) (*shared.Response, error, bool) {
			if nameIs(req, "n2") && hung.CompareAndSwap(false, true) {
				api.apply(req)
				<-hang // applied, and its answer never comes
				return nil, errors.New("connection reset"), false
			}
			return nil, nil, true
		}
		p, _ := fakePlugin(api.serve)
		// Done before the run: sent again, as asked.
		first := testImport(s, p, in, dir)
		first.Results, first.Errors = "-", ""
		first.Stdout = io.Discard
		if _, err := first.RunChunk(context.Background(), "before", chunks[0], bytes.NewReader(data[:bytes.IndexByte(data, '\n')+1]), io.Discard, io.Discard); err != nil {
			t.Fatal(err)
		}
		im := testImport(s, p, in, dir)
		im.Again, im.Concurrency, im.StopGrace = true, 1, 50*time.Millisecond
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			for api.calls.Load() < 4 {
				time.Sleep(5 * time.Millisecond)
			}
			cancel()
		}()
		if _, err := im.RunChunk(ctx, "run1", chunks[0], bytes.NewReader(data), io.Discard, io.Discard); err == nil {
			t.Fatal("the first attempt ended without an error")
		}
		var results bytes.Buffer
		sum, err := im.RunChunk(context.Background(), "run1", chunks[0], bytes.NewReader(data), &results, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]int{"n0": 2, "n1": 1, "n2": 1, "n3": 1}
		if got := api.createdNow(); !cmp.Equal(got, want) {
			t.Errorf("created %v, want %v (n0 twice: once before the run, once by it, as --again asks)", got, want)
		}
		if sum.OK != 3 || sum.Unknown != 1 || sum.Earlier != 0 {
			t.Errorf("summary %+v\n%s", sum, results.String())
		}
	})
}
