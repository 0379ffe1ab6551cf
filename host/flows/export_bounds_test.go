package flows

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/openintegrator/integrator/shared"
)

// An answer that asking again cannot change stops the export at once,
// with the API's diagnostic, and without advice to --resume (nothing was
// saved, and the same request would get the same answer).
func TestExportStopsAtOnceOnAnswersThatCannotChange(t *testing.T) {
	apiErr := func(status int, code, msg string) *shared.Response {
		resp := answer(status, fmt.Sprintf(`{"errors":[{"code":%q,"message":%q}]}`, code, msg))
		resp.Diagnostics = diag(code, msg)
		return resp
	}
	refusedURL := noAnswer("host_not_allowed")
	tests := []struct {
		name string
		resp func() *shared.Response
		want []string
	}{
		{"400", func() *shared.Response { return apiErr(400, "INVALID_PARAMETER", "count: must be 1..1000") }, []string{"HTTP 400", "count: must be 1..1000"}},
		{"401", func() *shared.Response {
			return apiErr(401, "UNAUTHORIZED_ACCESS", "This request is not properly authenticated")
		}, []string{"HTTP 401", "not properly authenticated"}},
		{"403", func() *shared.Response { return apiErr(403, "ACCOUNT_NOT_FOUND", "no access to account a1") }, []string{"HTTP 403", "no access to account a1"}},
		{"404", func() *shared.Response { return apiErr(404, "ROUTE_NOT_FOUND", "no such endpoint") }, []string{"HTTP 404", "no such endpoint"}},
		{"one object, not a list", func() *shared.Response { return answer(200, `{"data":{"id":"a1","name":"x"},"request":{}}`) },
			[]string{`"data" field holds an object, not a list of records`, "--records"}},
		{"no records field", func() *shared.Response { return answer(200, `{"items":[],"next_cursor":null}`) },
			[]string{`no "data" field`, "--records"}},
		{"not an object", func() *shared.Response { return answer(200, `[1,2]`) }, []string{"not a JSON object"}},
		{"not JSON", func() *shared.Response { return answer(200, `<html><body>maintenance</body></html>`) }, []string{"not a JSON object"}},
		{"refused by the connector", func() *shared.Response { return refusedURL }, []string{"host_not_allowed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int32
			p, _ := fakePlugin(func(req shared.Request) (*shared.Response, error) {
				calls.Add(1)
				return tt.resp(), nil
			})
			x := testExport(t, testStore(t), p, filepath.Join(t.TempDir(), "o.jsonl"))
			_, err := x.Run(context.Background())
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("the error does not say %q:\n%v", w, err)
				}
			}
			if strings.Contains(err.Error(), "--resume") || strings.Contains(err.Error(), "giving up") {
				t.Errorf("the error suggests trying again:\n%v", err)
			}
			if n := calls.Load(); n != 1 {
				t.Errorf("%d requests; an answer that cannot change is asked for once", n)
			}
		})
	}
}

// What can succeed later is still tried again: a 408, a 5xx, no answer, a
// body that broke off (cut short, or a stream that failed), a dead plugin.
func TestExportRetriesWhatCanSucceedLater(t *testing.T) {
	api := &listAPI{n: 30}
	cut := func(req shared.Request) *shared.Response {
		resp := api.serve(req)
		b, _ := io.ReadAll(resp.Body)
		resp.Body = io.NopCloser(bytes.NewReader(b[:len(b)/2]))
		return resp
	}
	broken := func(req shared.Request) *shared.Response {
		resp := api.serve(req)
		b, _ := io.ReadAll(resp.Body)
		resp.Body = &brokenBody{data: b[:len(b)/3], err: errors.New("stream error: body_idle")}
		return resp
	}
	faults := map[string]func(req shared.Request) (*shared.Response, error){
		"408":             func(shared.Request) (*shared.Response, error) { return answer(408, ``), nil },
		"500":             func(shared.Request) (*shared.Response, error) { return answer(500, `{"errors":[]}`), nil },
		"no answer":       func(shared.Request) (*shared.Response, error) { return noAnswer("connection_reset"), nil },
		"no code":         func(shared.Request) (*shared.Response, error) { return answer(0, ``), nil },
		"cut short":       func(req shared.Request) (*shared.Response, error) { return cut(req), nil },
		"stream broke":    func(req shared.Request) (*shared.Response, error) { return broken(req), nil },
		"plugin died":     func(shared.Request) (*shared.Response, error) { return nil, errDown },
		"timeout, no 2xx": func(shared.Request) (*shared.Response, error) { return noAnswer("timeout"), nil },
	}
	for name, fault := range faults {
		t.Run(name, func(t *testing.T) {
			api.requests = nil
			var calls atomic.Int32
			p, _ := fakePlugin(func(req shared.Request) (*shared.Response, error) {
				if calls.Add(1)%3 == 2 { // the second page's first attempt, and so on
					return fault(req)
				}
				return api.serve(req), nil
			})
			out := filepath.Join(t.TempDir(), "o.jsonl")
			x := testExport(t, testStore(t), p, out)
			if _, err := x.Run(context.Background()); err != nil {
				t.Fatal(err)
			}
			if got := readFile(t, out); got != api.want(30) {
				t.Errorf("output:\n%s", got)
			}
		})
	}
}

// A final answer after pages were saved says what is saved, and that
// --resume helps only once the cause is fixed.
func TestExportStoppedMidwaySaysWhatIsSaved(t *testing.T) {
	api := &listAPI{n: 100}
	var calls atomic.Int32
	p, _ := fakePlugin(func(req shared.Request) (*shared.Response, error) {
		if calls.Add(1) == 3 {
			resp := answer(401, `{"errors":[{"code":"UNAUTHORIZED_ACCESS"}]}`)
			resp.Diagnostics = diag("UNAUTHORIZED_ACCESS", "the token was revoked")
			return resp, nil
		}
		return api.serve(req), nil
	})
	out := filepath.Join(t.TempDir(), "o.jsonl")
	x := testExport(t, testStore(t), p, out)
	_, err := x.Run(context.Background())
	if err == nil {
		t.Fatal("no error")
	}
	want := "HTTP 401: the token was revoked\n14 records in 2 pages are saved; once the cause is fixed, --resume continues from there (or --restart starts over)"
	if err.Error() != want || calls.Load() != 3 {
		t.Errorf("after %d requests:\n%v\nwant\n%s", calls.Load(), err, want)
	}
	if got := readFile(t, out+".part"); got != api.want(14) {
		t.Errorf("part file:\n%s", got)
	}
}

// cycleAPI serves one record per page and a next_cursor from next; it
// answers 500 after 50 requests, so that a loop ends the test instead of
// running for ever.
type cycleAPI struct {
	next  map[string]string // cursor ("" for the first page) -> next_cursor
	calls atomic.Int32
}

func (a *cycleAPI) serve(req shared.Request) (*shared.Response, error) {
	if a.calls.Add(1) > 50 {
		return answer(404, `{}`), nil
	}
	cursor := ""
	for _, q := range req.Query {
		if q.Key == "cursor" {
			cursor = q.Value
		}
	}
	return answer(200, fmt.Sprintf(`{"data":[{"page":%q}],"next_cursor":%q}`, cursor, a.next[cursor])), nil
}

// A cursor cycle of any length stops the export with a clear error; the
// page that pointed back is not saved, so no record is written twice.
func TestExportStopsOnACursorCycle(t *testing.T) {
	for _, tt := range []struct {
		name  string
		next  map[string]string
		pages int // pages saved before the cycle
	}{
		{"A→A", map[string]string{"": "A", "A": "A"}, 1},
		{"A→B→A", map[string]string{"": "A", "A": "B", "B": "A"}, 2},
		{"A→B→C→D→B", map[string]string{"": "A", "A": "B", "B": "C", "C": "D", "D": "B"}, 4},
	} {
		t.Run(tt.name, func(t *testing.T) {
			api := &cycleAPI{next: tt.next}
			p, _ := fakePlugin(api.serve)
			out := filepath.Join(t.TempDir(), "o.jsonl")
			x := testExport(t, testStore(t), p, out)
			_, err := x.Run(context.Background())
			if err == nil || !strings.Contains(err.Error(), "cursor cycle") || !strings.Contains(err.Error(), "a cursor this export has already followed") {
				t.Fatalf("err = %v", err)
			}
			if int(api.calls.Load()) != tt.pages+1 {
				t.Errorf("%d requests, want %d", api.calls.Load(), tt.pages+1)
			}
			var want strings.Builder
			cursor := ""
			for i := 0; i < tt.pages; i++ {
				fmt.Fprintf(&want, `{"page":%q}`+"\n", cursor)
				cursor = tt.next[cursor]
			}
			if got := readFile(t, out+".part"); got != want.String() {
				t.Errorf("saved:\n%s\nwant\n%s", got, want.String())
			}
			if !strings.Contains(err.Error(), "--restart") || strings.Contains(err.Error(), "--resume continues") {
				t.Errorf("the error should send the user to --restart, not --resume:\n%v", err)
			}
		})
	}
}

// To stdout too, the cycle stops the export.
func TestExportToStdoutStopsOnACursorCycle(t *testing.T) {
	api := &cycleAPI{next: map[string]string{"": "A", "A": "B", "B": "A"}}
	p, _ := fakePlugin(api.serve)
	var stdout bytes.Buffer
	x := testExport(t, testStore(t), p, "-")
	x.Stdout = &stdout
	_, err := x.Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "cursor cycle") || stdout.String() != `{"page":""}`+"\n"+`{"page":"A"}`+"\n" {
		t.Errorf("err = %v, stdout:\n%s", err, stdout.String())
	}
}

// endless is a list response that never ends: `{"data":[1,1,1,...`. It
// counts the bytes read from it.
type endless struct {
	read  int64
	limit int64 // it ends (cut short) here, so a test without the fix ends too
}

func (e *endless) Read(p []byte) (int, error) {
	if e.read >= e.limit {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), e.limit-e.read)]
	for i := range p {
		switch at := e.read + int64(i); {
		case at < 9:
			p[i] = `{"data":[`[at]
		case at%2 == 1:
			p[i] = '1'
		default:
			p[i] = ','
		}
	}
	e.read += int64(len(p))
	return len(p), nil
}

func (e *endless) Close() error { return nil }

// A page over the size limit is refused at once, naming the flag that
// raises it, and reading stops at the limit: the host never holds more.
func TestExportRefusesAPageOverTheLimit(t *testing.T) {
	var bodies []*endless
	p, _ := fakePlugin(func(req shared.Request) (*shared.Response, error) {
		b := &endless{limit: 16 << 20}
		bodies = append(bodies, b)
		return &shared.Response{ResponseHead: shared.ResponseHead{Status: 200}, Body: b}, nil
	})
	x := testExport(t, testStore(t), p, filepath.Join(t.TempDir(), "o.jsonl"))
	x.MaxPageBytes = 256 << 10
	_, err := x.Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "larger than 256KiB") || !strings.Contains(err.Error(), "--max-page-size 512KiB") ||
		strings.Contains(err.Error(), "--resume") {
		t.Fatalf("err = %v", err)
	}
	if len(bodies) != 1 {
		t.Fatalf("%d requests; a page over the limit is asked for once", len(bodies))
	}
	if read := bodies[0].read; read > x.MaxPageBytes+64<<10 {
		t.Errorf("%d bytes read for a limit of %d: reading must stop at the limit", read, x.MaxPageBytes)
	}
}

// The limit is the body's size: a page of exactly the limit is read, one
// byte more is not. Without a limit set, it is 64 MiB.
func TestExportPageLimitIsExact(t *testing.T) {
	body := `{"data":[{"id":"a"},{"id":"b"}],"next_cursor":null}`
	for _, tt := range []struct {
		limit int64
		ok    bool
	}{{int64(len(body)), true}, {int64(len(body)) - 1, false}, {0, true}} {
		p, _ := fakePlugin(func(req shared.Request) (*shared.Response, error) { return answer(200, body), nil })
		var stdout bytes.Buffer
		x := testExport(t, testStore(t), p, "-")
		x.Stdout, x.MaxPageBytes = &stdout, tt.limit
		_, err := x.Run(context.Background())
		if (err == nil) != tt.ok {
			t.Errorf("limit %d: err = %v", tt.limit, err)
		}
		if tt.limit == 0 && x.pages.maxBytes != 64<<20 {
			t.Errorf("the default limit is %d", x.pages.maxBytes)
		}
	}
}

// A cycle that closes after a resume is found too, and as often as the
// export is resumed: the cursors followed before are in the checkpoints,
// so no page is ever written twice.
func TestCursorCycleAcrossAResume(t *testing.T) {
	api := &cycleAPI{next: map[string]string{"": "A", "A": "B", "B": "C", "C": "A"}}
	var fail atomic.Bool
	fail.Store(true)
	p, _ := fakePlugin(func(req shared.Request) (*shared.Response, error) {
		if req.Query[len(req.Query)-1].Value == "C" && fail.Load() {
			return answer(503, `{}`), nil // the run stops before page C
		}
		return api.serve(req)
	})
	out := filepath.Join(t.TempDir(), "o.jsonl")
	x := testExport(t, testStore(t), p, out)
	x.pages.attempts = 1
	if _, err := x.Run(context.Background()); err == nil || strings.Contains(err.Error(), "cursor cycle") {
		t.Fatalf("first run: %v", err)
	}
	fail.Store(false)
	x.Resume = true
	want := `{"page":""}` + "\n" + `{"page":"A"}` + "\n" + `{"page":"B"}` + "\n"
	for round := 1; round <= 2; round++ {
		_, err := x.Run(context.Background())
		if err == nil || !strings.Contains(err.Error(), "cursor cycle") {
			t.Fatalf("resume %d: %v", round, err)
		}
		if got := readFile(t, out+".part"); got != want {
			t.Fatalf("resume %d saved:\n%s\nwant\n%s", round, got, want)
		}
	}
}
