package flows

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/openintegrator/integrator/host/store"
	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// fakeConn is a plugin in a test: handle answers each request.
type fakeConn struct {
	handle   func(req shared.Request) (*shared.Response, error)
	describe func() (shared.Description, error) // nil: testPaging and testReports
	reporter shared.Reporter                    // nil: no reports
	closed   atomic.Bool
}

// DoRequest answers with handle, or with ctx's error when ctx ends first,
// as the real plugin does.
func (c *fakeConn) DoRequest(ctx context.Context, req shared.Request) (*shared.Response, error) {
	if c.closed.Load() {
		return nil, fmt.Errorf("DoRequest: %w (closed)", shared.ErrPluginUnavailable)
	}
	type answer struct {
		resp *shared.Response
		err  error
	}
	ch := make(chan answer, 1)
	go func() {
		resp, err := c.handle(req)
		ch <- answer{resp, err}
	}()
	select {
	case a := <-ch:
		return a.resp, a.err
	case <-ctx.Done():
		return nil, fmt.Errorf("DoRequest: %w", ctx.Err())
	}
}

func (c *fakeConn) Close() { c.closed.Store(true) }

// testPaging is how the fake APIs of these tests page: as the X Ads API does.
var testPaging = shared.Paging{Style: shared.PagingCursor, RecordsField: "data", CursorParam: "cursor", NextCursorField: "next_cursor",
	TotalField: "total_count", TotalParam: &shared.Param{Key: "with_total_count", Value: "true"}}

// testFields are the fields a page of the fake APIs is read by, with
// records in field.
func testFields(field string) pageFields {
	return pageFields{records: field, next: "next_cursor", total: "total_count"}
}

func (c *fakeConn) Describe(context.Context) (shared.Description, error) {
	if c.describe != nil {
		return c.describe()
	}
	p := testPaging
	return shared.Description{Paging: &p, Reports: &testReports}, nil
}

func (c *fakeConn) CreateReportJob(ctx context.Context, q shared.ReportQuery) (shared.ReportJobs, error) {
	if c.reporter == nil {
		return shared.ReportJobs{}, shared.ErrUnsupported
	}
	return c.reporter.CreateReportJob(ctx, nil, q)
}

func (c *fakeConn) PollReportJobs(ctx context.Context, account string, ids []string) (shared.ReportJobs, error) {
	if c.reporter == nil {
		return shared.ReportJobs{}, shared.ErrUnsupported
	}
	return c.reporter.PollReportJobs(ctx, nil, account, ids)
}

func (c *fakeConn) FetchReportJob(ctx context.Context, q shared.ReportQuery, job shared.ReportJob) (*shared.Response, error) {
	if c.reporter == nil {
		return nil, shared.ErrUnsupported
	}
	return c.reporter.FetchReportJob(ctx, nil, q, job)
}

// fakePlugin returns a Plugin whose every start gives a fakeConn with
// handle, and a counter of starts.
func fakePlugin(handle func(req shared.Request) (*shared.Response, error)) (*Plugin, *atomic.Int32) {
	var starts atomic.Int32
	p := NewPlugin(func(context.Context) (Conn, error) {
		starts.Add(1)
		return &fakeConn{handle: handle, reporter: xReporter{serve: handle}}, nil
	}, 0)
	return p, &starts
}

func answer(status int, body string) *shared.Response {
	return &shared.Response{ResponseHead: shared.ResponseHead{Status: status}, Body: io.NopCloser(bytes.NewReader([]byte(body)))}
}

func answerJSON(status int, v any) *shared.Response {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return answer(status, string(b))
}

func noAnswer(code string) *shared.Response {
	return &shared.Response{ResponseHead: shared.ResponseHead{Diagnostics: schema.Diagnostics{
		schema.Errorf("", code, "", "no answer (%s)", code)}}, Body: io.NopCloser(bytes.NewReader(nil))}
}

var errDown = fmt.Errorf("DoRequest: %w (test)", shared.ErrPluginUnavailable)

// brokenBody yields some bytes, then fails.
type brokenBody struct {
	data []byte
	err  error
}

func (b *brokenBody) Read(p []byte) (int, error) {
	if len(b.data) == 0 {
		return 0, b.err
	}
	n := copy(p, b.data)
	b.data = b.data[n:]
	return n, nil
}

func (b *brokenBody) Close() error { return nil }

// listAPI serves n records in pages, by a cursor that is the offset.
type listAPI struct {
	n        int
	mu       sync.Mutex
	requests []shared.Request
}

func record(i int) string { return fmt.Sprintf(`{"id":"r%05d","n":%d,"tags":["a","b"]}`, i, i) }

func (l *listAPI) serve(req shared.Request) *shared.Response {
	l.mu.Lock()
	l.requests = append(l.requests, req)
	l.mu.Unlock()
	from, count, total := 0, 200, false
	for _, p := range req.Query {
		switch p.Key {
		case "cursor":
			from, _ = strconv.Atoi(p.Value)
		case "count":
			count, _ = strconv.Atoi(p.Value)
		case "with_total_count":
			total = true
		}
	}
	var b bytes.Buffer
	b.WriteString(`{"request":{"params":{}},"data":[`)
	to := min(from+count, l.n)
	for i := from; i < to; i++ {
		if i > from {
			b.WriteString(",")
		}
		b.WriteString(record(i))
	}
	b.WriteString("]")
	if to < l.n {
		fmt.Fprintf(&b, `,"next_cursor":"%d"`, to)
	} else {
		b.WriteString(`,"next_cursor":null`)
	}
	if total {
		fmt.Fprintf(&b, `,"total_count":%d`, l.n)
	}
	b.WriteString("}")
	return answer(200, b.String())
}

func (l *listAPI) want(n int) string {
	var b bytes.Buffer
	for i := 0; i < n; i++ {
		b.WriteString(record(i))
		b.WriteString("\n")
	}
	return b.String()
}

// testStore opens a store with one connection, "c1".
func testStore(t *testing.T) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Create(context.Background(), store.Connection{ID: "c1", Name: "ads", Type: "demo"}); err != nil {
		t.Fatal(err)
	}
	return s
}

var errBoom = errors.New("boom")

// writesAPI creates campaigns from POSTs (query parameters or a batch
// body) and counts each name it created. fault, when set, may answer a
// request instead (applied says whether the write happens anyway).
type writesAPI struct {
	mu      sync.Mutex
	created map[string]int
	seq     int
	fault   func(n int, req shared.Request) (resp *shared.Response, err error, applied bool)
	calls   atomic.Int32
}

func newWritesAPI() *writesAPI { return &writesAPI{created: map[string]int{}} }

func (a *writesAPI) serve(req shared.Request) (*shared.Response, error) {
	n := int(a.calls.Add(1))
	var fresp *shared.Response
	var ferr error
	applied := true
	if a.fault != nil {
		fresp, ferr, applied = a.fault(n, req)
	}
	var resp *shared.Response
	if applied {
		resp = a.apply(req)
	}
	if fresp != nil || ferr != nil {
		return fresp, ferr
	}
	return resp, nil
}

func (a *writesAPI) apply(req shared.Request) *shared.Response {
	a.mu.Lock()
	defer a.mu.Unlock()
	if strings.HasPrefix(req.URL, "batch/") {
		var ops []struct {
			OperationType string         `json:"operation_type"`
			Params        map[string]any `json:"params"`
		}
		if err := json.Unmarshal(req.Body, &ops); err != nil {
			return answer(400, `{"errors":[{"code":"INVALID_PARAMETER"}]}`)
		}
		opErrs := make([][]apiError, len(ops))
		bad := false
		for i, op := range ops {
			opErrs[i] = []apiError{}
			if name, _ := op.Params["name"].(string); strings.HasPrefix(name, "bad") {
				opErrs[i], bad = []apiError{{Code: "INVALID_PARAMETER", Message: "bad name", Parameter: "name"}}, true
			}
		}
		if bad {
			return answerJSON(400, map[string]any{"errors": []any{}, "operation_errors": opErrs})
		}
		var data []map[string]any
		for _, op := range ops {
			a.seq++
			name := op.Params["name"].(string)
			a.created[name]++
			data = append(data, map[string]any{"id": fmt.Sprintf("c%d", a.seq), "name": name})
		}
		return answerJSON(200, map[string]any{"data": data})
	}
	var name string
	for _, p := range req.Query {
		if p.Key == "name" {
			name = p.Value
		}
	}
	if strings.HasPrefix(name, "bad") {
		return &shared.Response{ResponseHead: shared.ResponseHead{Status: 400, Diagnostics: diag("INVALID_PARAMETER", "name: bad name")},
			Body: answer(400, "").Body}
	}
	a.seq++
	a.created[name]++
	return answerJSON(200, map[string]any{"data": map[string]any{"id": fmt.Sprintf("c%d", a.seq), "name": name}})
}

func diag(code, msg string) schema.Diagnostics {
	return schema.Diagnostics{{Severity: schema.SeverityError, Code: code, Summary: msg}}
}

// writeInput writes n campaign records named prefix-i, as JSON Lines.
func writeInput(t *testing.T, dir string, n int, name func(i int) string) string {
	t.Helper()
	var b bytes.Buffer
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, `{"account_id":"a1","name":%q,"funding_instrument_id":"f1","daily_budget_amount_local_micro":5000000}`+"\n", name(i))
	}
	path := filepath.Join(dir, "in.jsonl")
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func testImport(s *store.Store, p *Plugin, in, dir string) *Import {
	return &Import{Deps: Deps{Plugin: p, Store: s, ConnectionID: "c1", OptionName: flag}, ImportOptions: ImportOptions{Method: "POST", PathTemplate: "accounts/{account_id}/campaigns",
		In: in, Results: filepath.Join(dir, "results.jsonl"), Errors: filepath.Join(dir, "errors.jsonl")},
		retry: backoff{base: time.Millisecond, limit: 5 * time.Millisecond}, lim: &limiter{fallback: 5 * time.Millisecond}}
}

func readResults(t *testing.T, path string) []Result {
	t.Helper()
	var out []Result
	for _, line := range strings.Split(strings.TrimSpace(readFile(t, path)), "\n") {
		if line == "" {
			continue
		}
		var r Result
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		out = append(out, r)
	}
	return out
}

func noAnswerWith(codes ...string) *shared.Response {
	resp := noAnswer(codes[0])
	for _, c := range codes[1:] {
		resp.Diagnostics = append(resp.Diagnostics, diag(c, c)...)
	}
	return resp
}

// recorder is a Progress in a test: it keeps a line for everything a run
// says, statuses included, with "warning: " in front of warnings. shown
// is what Shown reports.
type recorder struct {
	shown bool
	mu    sync.Mutex
	b     strings.Builder
}

func (r *recorder) Update(format string, args ...any) { r.line("", format, args...) }
func (r *recorder) Note(format string, args ...any)   { r.line("", format, args...) }
func (r *recorder) Alert(format string, args ...any)  { r.line("", format, args...) }
func (r *recorder) Warn(format string, args ...any)   { r.line("warning: ", format, args...) }
func (r *recorder) Clear()                            {}
func (r *recorder) Shown() bool                       { return r.shown }

func (r *recorder) line(prefix, format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fmt.Fprintf(&r.b, prefix+format+"\n", args...)
}

func (r *recorder) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.b.String()
}

// testReports are the fake report API's limits: as the X Ads API's.
var testReports = shared.Reports{MaxWindow: 90 * 24 * time.Hour, MaxSegmentedWindow: 45 * 24 * time.Hour, MaxIDs: 20,
	MaxProcessingJobs: 100, MaxPollIDs: 200, Granularities: []string{"DAY", "HOUR", "TOTAL"}, DefaultPlacement: "ALL_ON_TWITTER"}

// flag words an option as the CLI does.
func flag(option string) string { return "--" + option }
