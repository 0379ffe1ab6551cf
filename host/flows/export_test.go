package flows

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/openintegrator/integrator/host/store"
	"github.com/openintegrator/integrator/shared"
)

// testExport is an export of path with count=7 pages to a file in a
// temporary folder, with short waits.
func testExport(t *testing.T, s *store.Store, p *Plugin, out string) *Export {
	x := &Export{Deps: Deps{Plugin: p, Store: s, ConnectionID: "c1", OptionName: flag}, ExportOptions: ExportOptions{Path: "accounts/a1/campaigns",
		Params: []shared.Param{{Key: "count", Value: "7"}}, Out: out}}
	x.pages.retry = backoff{base: time.Millisecond, limit: 5 * time.Millisecond}
	x.pages.lim = &limiter{fallback: 5 * time.Millisecond}
	return x
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestExportPagesToFile(t *testing.T) {
	api := &listAPI{n: 100}
	p, _ := fakePlugin(func(req shared.Request) (*shared.Response, error) { return api.serve(req), nil })
	s := testStore(t)
	out := filepath.Join(t.TempDir(), "campaigns.jsonl")
	x := testExport(t, s, p, out)
	sum, err := x.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, out); got != api.want(100) {
		t.Errorf("output:\n%s", got)
	}
	if sum.Records != 100 || sum.Pages != 15 || sum.Resumed {
		t.Errorf("summary %+v", sum)
	}
	if _, err := os.Stat(out + ".part"); !os.IsNotExist(err) {
		t.Errorf("the part file is still there: %v", err)
	}
	run, err := s.ExportRun(context.Background(), x.key(out))
	if err != nil || !run.Done || run.Records != 100 {
		t.Errorf("run %+v %v", run, err)
	}
	// Every page is a fresh GET with the parameters, the cursor after the first.
	if len(api.requests) != 15 {
		t.Fatalf("%d requests", len(api.requests))
	}
	for i, r := range api.requests {
		if r.Method != "GET" || r.URL != "accounts/a1/campaigns" || r.Query[0] != (shared.Param{Key: "count", Value: "7"}) {
			t.Errorf("request %d: %+v", i, r)
		}
		if hasParam(r.Query, "cursor") != (i > 0) || hasParam(r.Query, "with_total_count") {
			t.Errorf("request %d: %+v", i, r.Query)
		}
	}
	// The same command again starts a new run, since the last one is done.
	sum, err = x.Run(context.Background())
	if err != nil || sum.Resumed || readFile(t, out) != api.want(100) {
		t.Errorf("second run: %+v %v", sum, err)
	}
}

func TestExportSurvivesFaults(t *testing.T) {
	api := &listAPI{n: 150}
	var n atomic.Int32
	p, starts := fakePlugin(func(req shared.Request) (*shared.Response, error) {
		switch n.Add(1) % 6 {
		case 1:
			return answerJSON(429, map[string]any{"errors": []any{}}), nil
		case 2:
			return noAnswer("connection_reset"), nil
		case 3:
			return answer(503, `{"errors":[{"code":"SERVICE_UNAVAILABLE"}]}`), nil
		case 4:
			return nil, errDown // the plugin died
		case 5: // the plugin died while sending the body
			resp := api.serve(req)
			b, _ := io.ReadAll(resp.Body)
			resp.Body = &brokenBody{data: b[:len(b)/2], err: errDown}
			return resp, nil
		}
		return api.serve(req), nil
	})
	s := testStore(t)
	out := filepath.Join(t.TempDir(), "out.jsonl")
	x := testExport(t, s, p, out)
	p.maxRestarts = 100
	sum, err := x.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, out); got != api.want(150) {
		t.Errorf("output differs from the records")
	}
	if sum.Restarts == 0 || int(starts.Load()) != sum.Restarts+1 {
		t.Errorf("restarts %d, starts %d", sum.Restarts, starts.Load())
	}
}

func TestExportGivesUpAfterRestarts(t *testing.T) {
	p, starts := fakePlugin(func(req shared.Request) (*shared.Response, error) { return nil, errDown })
	p.maxRestarts = 2
	x := testExport(t, testStore(t), p, filepath.Join(t.TempDir(), "out.jsonl"))
	_, err := x.Run(context.Background())
	if !errors.Is(err, ErrTooManyRestarts) || starts.Load() != 3 {
		t.Errorf("err = %v after %d starts", err, starts.Load())
	}
}

func TestExportResumesExactlyOnce(t *testing.T) {
	api := &listAPI{n: 100}
	var failAt atomic.Int32
	failAt.Store(5)
	var calls atomic.Int32
	p, _ := fakePlugin(func(req shared.Request) (*shared.Response, error) {
		if calls.Add(1) == failAt.Load() {
			return answer(400, `{"errors":[{"code":"INVALID_PARAMETER","message":"boom"}]}`), nil
		}
		return api.serve(req), nil
	})
	s := testStore(t)
	out := filepath.Join(t.TempDir(), "out.jsonl")
	x := testExport(t, s, p, out)
	if _, err := x.Run(context.Background()); err == nil || !strings.Contains(err.Error(), "--resume") {
		t.Fatalf("first run: %v", err)
	}
	run, _ := s.ExportRun(context.Background(), x.key(out))
	if run.Pages != 4 || run.Records != 28 || run.Done {
		t.Fatalf("checkpoint %+v", run)
	}
	// A crash after a page was written but before its checkpoint leaves
	// more bytes than the checkpoint says.
	f, _ := os.OpenFile(out+".part", os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(record(28) + "\n" + `{"id":"half`)
	f.Close()

	// Without --resume: refused, nothing changed.
	if _, err := x.Run(context.Background()); !errors.Is(err, ErrUnfinished) || !strings.Contains(err.Error(), "--resume") || !strings.Contains(err.Error(), "--restart") {
		t.Fatalf("without --resume: %v", err)
	}
	x.Resume = true
	sum, err := x.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !sum.Resumed || sum.Records != 100 {
		t.Errorf("summary %+v", sum)
	}
	if got := readFile(t, out); got != api.want(100) {
		t.Errorf("resumed output differs:\n%s", got)
	}
	// The resumed run asked for the checkpointed cursor.
	if last := api.requests[4]; !hasParam(last.Query, "cursor") || last.Query[len(last.Query)-1].Value != "28" {
		t.Errorf("resumed at %+v", last.Query)
	}
}

// The API gives the total count only on a first page, so a resumed export
// shows its share and time left from the total its checkpoint kept.
func TestResumedExportKnowsTheTotal(t *testing.T) {
	api := &listAPI{n: 100}
	var calls atomic.Int32
	var slow atomic.Bool
	p, _ := fakePlugin(func(req shared.Request) (*shared.Response, error) {
		if calls.Add(1) == 5 {
			return answer(400, `{"errors":[{"code":"INVALID_PARAMETER","message":"boom"}]}`), nil
		}
		if slow.Load() {
			time.Sleep(120 * time.Millisecond) // so that the live line is redrawn
		}
		return api.serve(req), nil
	})
	s := testStore(t)
	out := filepath.Join(t.TempDir(), "out.jsonl")
	x := testExport(t, s, p, out)
	x.Progress = &recorder{shown: true}
	if _, err := x.Run(context.Background()); err == nil {
		t.Fatal("the first run did not fail")
	}
	if run, _ := s.ExportRun(context.Background(), x.key(out)); run.Total != 100 {
		t.Fatalf("the checkpoint kept total %d, want 100", run.Total)
	}
	screen := &recorder{shown: true}
	x.Progress = screen
	x.Resume = true
	slow.Store(true)
	if _, err := x.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(screen.String(), " of 100 (") || !strings.Contains(screen.String(), " left") {
		t.Errorf("the resumed export's progress shows no share of the total or time left:\n%q", screen.String())
	}
	for _, r := range api.requests[4:] {
		if hasParam(r.Query, "with_total_count") {
			t.Errorf("a resumed page asked for the total count (the API refuses it with a cursor): %+v", r.Query)
		}
	}
}

func TestExportRestartForgetsTheRun(t *testing.T) {
	api := &listAPI{n: 30}
	var calls atomic.Int32
	p, _ := fakePlugin(func(req shared.Request) (*shared.Response, error) {
		if calls.Add(1) == 2 {
			return answer(404, `{"errors":[{"code":"NOT_FOUND"}]}`), nil
		}
		return api.serve(req), nil
	})
	s := testStore(t)
	out := filepath.Join(t.TempDir(), "out.jsonl")
	x := testExport(t, s, p, out)
	if _, err := x.Run(context.Background()); err == nil {
		t.Fatal("no error")
	}
	x.Restart = true
	sum, err := x.Run(context.Background())
	if err != nil || sum.Resumed || readFile(t, out) != api.want(30) {
		t.Fatalf("restart: %+v %v", sum, err)
	}
}

func TestExportThatSavedNothingStartsOver(t *testing.T) {
	api := &listAPI{n: 10}
	var calls atomic.Int32
	p, _ := fakePlugin(func(req shared.Request) (*shared.Response, error) {
		if calls.Add(1) == 1 {
			return answer(404, `{"errors":[{"code":"NOT_FOUND"}]}`), nil
		}
		return api.serve(req), nil
	})
	out := filepath.Join(t.TempDir(), "out.jsonl")
	x := testExport(t, testStore(t), p, out)
	if _, err := x.Run(context.Background()); err == nil {
		t.Fatal("no error")
	}
	// Nothing was saved, so the same command just runs again.
	if sum, err := x.Run(context.Background()); err != nil || sum.Resumed || readFile(t, out) != api.want(10) {
		t.Fatalf("%+v %v", sum, err)
	}
}

func TestExportResumeAfterTheRename(t *testing.T) {
	api := &listAPI{n: 10}
	p, _ := fakePlugin(func(req shared.Request) (*shared.Response, error) { return api.serve(req), nil })
	s := testStore(t)
	out := filepath.Join(t.TempDir(), "out.jsonl")
	x := testExport(t, s, p, out)
	if _, err := x.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	// As if the process died between the rename and the last store write.
	run, _ := s.ExportRun(context.Background(), x.key(out))
	if err := s.StartExportRun(context.Background(), run); err != nil { // done = 0
		t.Fatal(err)
	}
	for page := int64(1); page <= run.Pages; page++ { // checkpoints advance a page at a time
		if err := s.CheckpointExport(context.Background(), run.ID, nil, run.Offset, run.Records, page, -1, run.Digest, nil); err != nil {
			t.Fatal(err)
		}
	}
	before := len(api.requests)
	x.Resume = true
	sum, err := x.Run(context.Background())
	if err != nil || !sum.Resumed || len(api.requests) != before || readFile(t, out) != api.want(10) {
		t.Fatalf("%+v %v, %d requests", sum, err, len(api.requests)-before)
	}
}

func TestExportMaxRecordsAndStdout(t *testing.T) {
	api := &listAPI{n: 100}
	p, _ := fakePlugin(func(req shared.Request) (*shared.Response, error) { return api.serve(req), nil })
	var stdout bytes.Buffer
	x := testExport(t, testStore(t), p, "-")
	x.Stdout, x.MaxRecords = &stdout, 17
	sum, err := x.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if stdout.String() != api.want(17) || sum.Records != 17 || sum.Pages != 3 || len(api.requests) != 3 {
		t.Errorf("%+v, %d requests:\n%s", sum, len(api.requests), stdout.String())
	}
}

func TestExportAsksForTheTotalWithProgress(t *testing.T) {
	api := &listAPI{n: 20}
	p, _ := fakePlugin(func(req shared.Request) (*shared.Response, error) { return api.serve(req), nil })
	x := testExport(t, testStore(t), p, filepath.Join(t.TempDir(), "o.jsonl"))
	x.Progress = &recorder{shown: true}
	if _, err := x.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !hasParam(api.requests[0].Query, "with_total_count") || hasParam(api.requests[1].Query, "with_total_count") {
		t.Errorf("requests %+v", api.requests)
	}
}

func TestExportErrors(t *testing.T) {
	tests := []struct {
		name, body string
		status     int
		want       string
	}{
		{"API error", `{"errors":[{"code":"NOT_FOUND","message":"no such account"}]}`, 404, "HTTP 404"},
		{"no records field", `{"items":[],"next_cursor":null}`, 200, `the response has no "data" field`},
		{"not an object", `[1,2]`, 200, "not a JSON object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _ := fakePlugin(func(req shared.Request) (*shared.Response, error) { return answer(tt.status, tt.body), nil })
			x := testExport(t, testStore(t), p, filepath.Join(t.TempDir(), "o.jsonl"))
			x.pages.attempts = 2
			if _, err := x.Run(context.Background()); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestExportRefusesASecondWriter(t *testing.T) {
	out := filepath.Join(t.TempDir(), "o.jsonl")
	f, err := openPart(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, _ := fakePlugin(func(req shared.Request) (*shared.Response, error) { return nil, errBoom })
	x := testExport(t, testStore(t), p, out)
	if _, err := x.Run(context.Background()); !errors.Is(err, errBusy) {
		t.Errorf("err = %v", err)
	}
}

func TestReadPage(t *testing.T) {
	body := `{"next_cursor":"abc","data":[{"a" : 1,
	"b":[1, 2]},{"c":"x\ny"}],"total_count":12,"request":{"params":{"x":[1]}}}`
	var buf bytes.Buffer
	pg, err := readPage(strings.NewReader(body), testFields("data"), 0, &buf)
	if err != nil {
		t.Fatal(err)
	}
	if buf.String() != "{\"a\":1,\"b\":[1,2]}\n{\"c\":\"x\\ny\"}\n" || pg.records != 2 || *pg.next != "abc" || pg.total != 12 {
		t.Errorf("%+v %q", pg, buf.String())
	}
	buf.Reset()
	pg, err = readPage(strings.NewReader(`{"data":[1,2,3],"next_cursor":"n"}`), testFields("data"), 2, &buf)
	if err != nil || !pg.cut || buf.String() != "1\n2\n" {
		t.Errorf("limit: %+v %v %q", pg, err, buf.String())
	}
	buf.Reset()
	if pg, err := readPage(strings.NewReader(`{"data":null,"next_cursor":null}`), testFields("data"), 0, &buf); err != nil || pg.records != 0 || pg.next != nil {
		t.Errorf("null data: %+v %v", pg, err)
	}
	for _, bad := range []string{`{"data":[1,2`, `{"data":{}}`, `{"data":[],"next_cursor":{}}`} {
		if _, err := readPage(strings.NewReader(bad), testFields("data"), 0, &buf); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

// Counts in progress lines have thousands separators (the terminal
// renderer's own test, in host/cli, shows how the lines are written).
func TestCount(t *testing.T) {
	for n, want := range map[int64]string{1234567: "1,234,567", 25000: "25,000", 999: "999", 0: "0", -1234: "-1,234"} {
		if got := count(n); got != want {
			t.Errorf("count(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestPluginRestartRetriesAFailedStart(t *testing.T) {
	api := &listAPI{n: 20}
	var starts atomic.Int32
	var calls atomic.Int32
	p := NewPlugin(func(context.Context) (Conn, error) {
		if n := starts.Add(1); n == 2 || n == 3 {
			return nil, errBoom // dies again while starting, twice
		}
		return &fakeConn{handle: func(req shared.Request) (*shared.Response, error) {
			if calls.Add(1) == 2 {
				return nil, errDown
			}
			return api.serve(req), nil
		}}, nil
	}, 0)
	x := testExport(t, testStore(t), p, filepath.Join(t.TempDir(), "o.jsonl"))
	sum, err := x.Run(context.Background())
	if err != nil || sum.Records != 20 || starts.Load() != 4 || sum.Restarts != 1 {
		t.Errorf("%+v %v, %d starts", sum, err, starts.Load())
	}
	// The first start is not retried: a plugin that never worked is broken.
	p = NewPlugin(func(context.Context) (Conn, error) { starts.Add(1); return nil, errBoom }, 0)
	starts.Store(0)
	x = testExport(t, testStore(t), p, filepath.Join(t.TempDir(), "o.jsonl"))
	if _, err := x.Run(context.Background()); !errors.Is(err, errBoom) || starts.Load() != 1 {
		t.Errorf("%v, %d starts", err, starts.Load())
	}
}
