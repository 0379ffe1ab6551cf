package flows

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openintegrator/integrator/host/store"
	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

func TestPlanJobs(t *testing.T) {
	ids := make([]string, 45)
	for i := range ids {
		ids[i] = fmt.Sprint("li", i)
	}
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	jobs := planJobs(ids, start, start.Add(120*24*time.Hour), false, testReports)
	if len(jobs) != 6 {
		t.Fatalf("%d jobs", len(jobs))
	}
	mid := start.Add(90 * 24 * time.Hour)
	for i, j := range jobs {
		wantStart, wantEnd := start, mid
		if i >= 3 {
			wantStart, wantEnd = mid, start.Add(120*24*time.Hour)
		}
		wantIDs := []int{20, 20, 5}[i%3]
		if !j.start.Equal(wantStart) || !j.end.Equal(wantEnd) || len(j.ids) != wantIDs || j.ids[0] != ids[(i%3)*20] {
			t.Errorf("job %d: %v..%v, %d ids from %s", i, j.start, j.end, len(j.ids), j.ids[0])
		}
	}
	if seg := planJobs(ids[:3], start, start.Add(100*24*time.Hour), true, testReports); len(seg) != 3 || !seg[2].end.Equal(start.Add(100*24*time.Hour)) || !seg[1].start.Equal(start.Add(45*24*time.Hour)) {
		t.Errorf("segmented: %+v", seg)
	}
	if one := planJobs(ids[:1], start, start.Add(time.Hour), false, testReports); len(one) != 1 {
		t.Errorf("short: %+v", one)
	}
}

func TestReportCheck(t *testing.T) {
	r := &Report{Deps: Deps{OptionName: flag}, ReportOptions: ReportOptions{IDs: []string{" ", ""}, Granularity: "week", Start: time.Date(2026, 1, 2, 0, 30, 0, 0, time.UTC), End: time.Date(2026, 1, 3, 0, 0, 0, 0, time.UTC)}}
	err := r.worded(r.check())
	for _, want := range []string{"--account is required", "--entity is required", "--ids needs", "whole hours", "--metrics needs"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in %v", want, err)
		}
	}
	// What depends on the API is checked against what the connector declares.
	p, _ := fakePlugin(newStatsAPI().serve)
	r = &Report{Deps: Deps{Plugin: p, OptionName: flag}, ReportOptions: ReportOptions{Granularity: "WEEK", MaxJobs: 101}}
	err = r.worded(r.describe(context.Background()))
	for _, want := range []string{`--granularity "WEEK": use DAY, HOUR, TOTAL`, "--max-jobs 101: use 1 to 100"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in %v", want, err)
		}
	}
	for in, want := range map[string]string{"2026-01-31": "2026-01-31T00:00:00Z", "2026-01-31T08": "2026-01-31T08:00:00Z",
		"2026-01-31T08:00": "2026-01-31T08:00:00Z", "2026-01-31T09:00:00+01:00": "2026-01-31T08:00:00Z"} {
		got, err := ParseReportTime(in)
		if err != nil || got.Format(time.RFC3339) != want {
			t.Errorf("%s: %v %v", in, got, err)
		}
	}
	if _, err := ParseReportTime("yesterday"); err == nil {
		t.Error("no error")
	}
}

// statsAPI is a fake async stats API.
type statsAPI struct {
	mu        sync.Mutex
	jobs      map[string]*fakeJob
	seq       int
	maxProc   int // the most jobs processing at once
	tooMany   int // creates to refuse with TOO_MANY_JOBS first
	breakOnce bool
	notFound  int // downloads answered 404 first, per job
	created   []kv
}

type kv = map[string]string

type fakeJob struct {
	params   kv
	polls    int
	gets     int
	finished bool
}

func newStatsAPI() *statsAPI { return &statsAPI{jobs: map[string]*fakeJob{}} }

func (a *statsAPI) serve(req shared.Request) (*shared.Response, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	q := kv{}
	for _, p := range req.Query {
		q[p.Key] = p.Value
	}
	switch {
	case req.Method == "POST" && req.URL == "stats/jobs/accounts/acc1":
		if a.tooMany > 0 {
			a.tooMany--
			resp := answer(400, `{"errors":[{"code":"TOO_MANY_JOBS"}]}`)
			resp.Diagnostics = diag("TOO_MANY_JOBS", "too many")
			return resp, nil
		}
		a.seq++
		id := fmt.Sprint(1000 + a.seq)
		a.jobs[id] = &fakeJob{params: q}
		a.created = append(a.created, q)
		proc := 0
		for _, j := range a.jobs {
			if !j.finished && j.polls < 2 {
				proc++
			}
		}
		a.maxProc = max(a.maxProc, proc)
		return answerJSON(200, map[string]any{"data": map[string]any{"id_str": id, "status": "PROCESSING", "url": nil}}), nil
	case req.Method == "GET" && req.URL == "stats/jobs/accounts/acc1":
		var data []map[string]any
		for _, id := range strings.Split(q["job_ids"], ",") {
			j := a.jobs[id]
			if j == nil {
				continue // the API lists the jobs it knows
			}
			j.polls++
			st := map[string]any{"id_str": id, "status": "PROCESSING", "url": nil}
			if j.polls >= 2 {
				st["status"] = "SUCCESS"
				j.finished = true
			}
			if j.polls >= 3 { // one poll with a null url after SUCCESS
				st["url"] = "http://127.0.0.1:1/dl/" + id + ".json.gz"
			}
			data = append(data, st)
		}
		return answerJSON(200, map[string]any{"data": data}), nil
	case strings.HasPrefix(req.URL, "http://127.0.0.1:1/dl/"):
		id := strings.TrimSuffix(strings.TrimPrefix(req.URL, "http://127.0.0.1:1/dl/"), ".json.gz")
		j := a.jobs[id]
		j.gets++
		if j.gets <= a.notFound {
			return answer(404, "<html>Not Found</html>"), nil
		}
		body := resultFile(j.params)
		if a.breakOnce {
			a.breakOnce = false
			return &shared.Response{ResponseHead: shared.ResponseHead{Status: 200},
				Body: &brokenBody{data: body[:len(body)*2/3], err: io.ErrUnexpectedEOF}}, nil
		}
		return answer(200, string(body)), nil
	}
	return answer(404, `{"errors":[{"code":"ROUTE_NOT_FOUND"}]}`), nil
}

// resultFile is a gzip result: per id, one entry per segment.
func resultFile(q kv) []byte {
	var data []any
	for _, id := range strings.Split(q["entity_ids"], ",") {
		data = append(data, map[string]any{"id": id, "id_data": []any{
			map[string]any{"segment": nil, "metrics": map[string]any{"impressions": []int{1, 2}, "window": q["start_time"]}}}})
	}
	b, _ := json.Marshal(map[string]any{"data_type": "stats", "time_series_length": 2, "data": data, "request": map[string]any{"params": q}})
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write(b)
	w.Close()
	return gz.Bytes()
}

func testReport(p *Plugin, ids int, days int) *Report {
	r := &Report{Deps: Deps{Plugin: p, OptionName: flag}, ReportOptions: ReportOptions{Account: "acc1", Entity: "line_item", Granularity: "day", Metrics: []string{"ENGAGEMENT", "billing"},
		Start: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), PollInterval: time.Millisecond},
		pollMax: 5 * time.Millisecond, retry: backoff{base: time.Millisecond, limit: 5 * time.Millisecond}, lim: &limiter{fallback: time.Millisecond}}
	r.End = r.Start.Add(time.Duration(days) * 24 * time.Hour)
	for i := 0; i < ids; i++ {
		r.IDs = append(r.IDs, fmt.Sprint("li", i))
	}
	return r
}

func TestReportJobsPollsAndDownloads(t *testing.T) {
	api := newStatsAPI()
	api.tooMany, api.notFound, api.breakOnce = 1, 1, true
	p, _ := fakePlugin(api.serve)
	r := testReport(p, 45, 120)
	r.MaxJobs = 2
	r.Out = filepath.Join(t.TempDir(), "report.jsonl")
	sum, err := r.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if sum.Jobs != 6 || sum.Rows != 90 || len(api.created) != 6 {
		t.Fatalf("summary %+v, %d jobs created", sum, len(api.created))
	}
	if api.maxProc > 2 {
		t.Errorf("%d jobs processing at once; the cap was 2", api.maxProc)
	}
	c := api.created[0]
	want := kv{"entity": "LINE_ITEM", "entity_ids": strings.Join(r.IDs[:20], ","), "start_time": "2026-01-01T00:00:00Z",
		"end_time": "2026-04-01T00:00:00Z", "granularity": "DAY", "placement": "ALL_ON_TWITTER", "metric_groups": "ENGAGEMENT,BILLING"}
	if fmt.Sprint(c) != fmt.Sprint(want) {
		t.Errorf("job parameters:\n%v\nwant\n%v", c, want)
	}
	// Every id once per window, no row twice although a download broke.
	seen := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(readFile(t, r.Out)), "\n") {
		var raw map[string]any
		if err := json.Unmarshal([]byte(line), &raw); err != nil {
			t.Fatal(err)
		}
		if raw["segment"] != nil || raw["granularity"] != "DAY" || raw["job_id"] == "" || raw["metrics"] == nil {
			t.Errorf("row %s", line)
		}
		seen[fmt.Sprint(raw["id"], "@", raw["start_time"])]++
	}
	if len(seen) != 90 {
		t.Errorf("%d distinct rows", len(seen))
	}
	for k, n := range seen {
		if n != 1 {
			t.Errorf("%s: %d rows", k, n)
		}
	}
}

func TestReportToStdoutSurvivesAPluginCrash(t *testing.T) {
	api := newStatsAPI()
	var mu sync.Mutex
	calls := 0
	p, starts := fakePlugin(func(req shared.Request) (*shared.Response, error) {
		mu.Lock()
		calls++
		n := calls
		mu.Unlock()
		if n == 3 || n == 6 {
			return nil, errDown
		}
		return api.serve(req)
	})
	r := testReport(p, 3, 10)
	var out bytes.Buffer
	r.Stdout = &out
	sum, err := r.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if sum.Rows != 3 || strings.Count(out.String(), "\n") != 3 || starts.Load() != 3 || sum.Restarts != 2 {
		t.Errorf("%+v, %d starts:\n%s", sum, starts.Load(), out.String())
	}
}

// failDownloads answers the nth download and every one after it with a
// 400 until healed.
type failDownloads struct {
	api       *statsAPI
	mu        sync.Mutex
	downloads int
	from      int
	healed    bool
}

func (f *failDownloads) serve(req shared.Request) (*shared.Response, error) {
	if strings.HasPrefix(req.URL, "http://127.0.0.1:1/dl/") {
		f.mu.Lock()
		f.downloads++
		fail := !f.healed && f.downloads >= f.from
		f.mu.Unlock()
		if fail {
			return answer(400, `{"errors":[{"code":"INVALID_PARAMETER","message":"boom"}]}`), nil
		}
	}
	return f.api.serve(req)
}

func TestReportResumesWithTheJobsItCreated(t *testing.T) {
	// A clean run, for the expected output.
	clean := newStatsAPI()
	p, _ := fakePlugin(clean.serve)
	want := testReport(p, 45, 120)
	want.Out = filepath.Join(t.TempDir(), "clean.jsonl")
	if _, err := want.Run(context.Background()); err != nil {
		t.Fatal(err)
	}

	api := newStatsAPI()
	fail := &failDownloads{api: api, from: 3}
	p, _ = fakePlugin(fail.serve)
	s := testStore(t)
	r := testReport(p, 45, 120)
	r.MaxJobs, r.Store, r.ConnectionID = 3, s, "c1"
	r.Out = filepath.Join(t.TempDir(), "report.jsonl")
	_, err := r.Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "--resume") {
		t.Fatalf("the failing run: %v", err)
	}
	if _, serr := os.Stat(r.Out + ".part"); serr != nil {
		t.Fatalf("the part file was not kept: %v", serr)
	}
	out, _ := filepath.Abs(r.Out)
	run, _ := s.ReportRun(context.Background(), r.key(out))
	if run.JobsDone != 2 || len(run.Jobs) < 3 || run.Done {
		t.Fatalf("checkpoint: %d jobs done, %d created, done %v", run.JobsDone, len(run.Jobs), run.Done)
	}
	created := len(api.created)

	// Without --resume: refused, nothing changed.
	if _, err := r.Run(context.Background()); !errors.Is(err, ErrUnfinishedReport) || !strings.Contains(err.Error(), "--restart") {
		t.Fatalf("without --resume: %v", err)
	}
	fail.healed = true
	r.Resume = true
	sum, err := r.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !sum.Resumed || sum.Rows != 90 || sum.Jobs != 6 {
		t.Errorf("summary %+v", sum)
	}
	if got := len(api.created); got != 6 {
		t.Errorf("%d jobs created in all (%d before resuming); the plan has 6", got, created)
	}
	if got, want := withoutJobIDs(t, readFile(t, r.Out)), withoutJobIDs(t, readFile(t, want.Out)); got != want {
		t.Errorf("the resumed report differs from a clean one:\n%s\nwant\n%s", got, want)
	}
	if run, _ := s.ReportRun(context.Background(), r.key(out)); !run.Done {
		t.Error("the run is not marked done")
	}
}

func TestResumedReportRecreatesJobsTheAPIForgot(t *testing.T) {
	api := newStatsAPI()
	fail := &failDownloads{api: api, from: 1}
	p, _ := fakePlugin(fail.serve)
	s := testStore(t)
	r := testReport(p, 3, 10)
	r.Store, r.ConnectionID = s, "c1"
	r.Out = filepath.Join(t.TempDir(), "report.jsonl")
	if _, err := r.Run(context.Background()); err == nil {
		t.Fatal("the first run did not fail")
	}
	api.mu.Lock()
	api.jobs = map[string]*fakeJob{} // the API forgot them
	api.mu.Unlock()
	fail.healed = true
	r.Resume = true
	notes := &recorder{shown: true}
	r.Progress = notes
	sum, err := r.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if sum.Rows != 3 || len(api.created) != 2 || !strings.Contains(notes.String(), "no longer known to the API") {
		t.Errorf("%+v, %d jobs created; notes:\n%s", sum, len(api.created), notes.String())
	}
}

// withoutJobIDs drops the job ids, which differ between runs, from a
// report's lines.
func withoutJobIDs(t *testing.T, s string) string {
	t.Helper()
	var b strings.Builder
	for _, line := range strings.Split(strings.TrimSpace(s), "\n") {
		var row map[string]any
		if err := json.Unmarshal([]byte(line), &row); err != nil {
			t.Fatal(err)
		}
		delete(row, "job_id")
		out, _ := json.Marshal(row)
		b.Write(out)
		b.WriteByte('\n')
	}
	return b.String()
}

// A run killed after its file was put in place, before the store heard of
// it, finds the file complete on resume and asks the API for nothing.
func TestReportResumeAfterTheRename(t *testing.T) {
	api := newStatsAPI()
	p, _ := fakePlugin(api.serve)
	s := testStore(t)
	r := testReport(p, 3, 10)
	r.Store, r.ConnectionID = s, "c1"
	r.Out = filepath.Join(t.TempDir(), "report.jsonl")
	if _, err := r.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	before := readFile(t, r.Out)
	// The state of a crash between the rename and FinishReportRun.
	out, _ := filepath.Abs(r.Out)
	ctx := context.Background()
	if err := s.StartReportRun(ctx, store.ReportRun{ID: "again", ConnectionID: "c1", RunKey: r.key(out), OutPath: out}); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordReportJob(ctx, "again", 0, "1001"); err != nil {
		t.Fatal(err)
	}
	if err := s.CheckpointReport(ctx, "again", int64(len(before)), 1, 3, ""); err != nil {
		t.Fatal(err)
	}
	calls := len(api.created)
	r.Resume = true
	sum, err := r.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !sum.Resumed || sum.Rows != 3 || len(api.created) != calls || readFile(t, r.Out) != before {
		t.Errorf("%+v, %d jobs created", sum, len(api.created)-calls)
	}
	if _, err := os.Stat(r.Out + ".part"); !os.IsNotExist(err) {
		t.Errorf("a part file was left: %v", err)
	}
	if run, _ := s.ReportRun(ctx, r.key(out)); !run.Done {
		t.Error("the run is not marked done")
	}
}

// A poll answer the connector could not read is asked again; it does not
// count as the API having forgotten the jobs of an earlier run.
func TestUnreadablePollIsAskedAgain(t *testing.T) {
	api := newStatsAPI()
	fail := &failDownloads{api: api, from: 1}
	p, _ := fakePlugin(fail.serve)
	s := testStore(t)
	r := testReport(p, 3, 10)
	r.Store, r.ConnectionID = s, "c1"
	r.Out = filepath.Join(t.TempDir(), "report.jsonl")
	if _, err := r.Run(context.Background()); err == nil {
		t.Fatal("the first run did not fail")
	}
	created := len(api.created)
	fail.healed = true
	polls := 0
	r.Plugin = NewPlugin(func(context.Context) (Conn, error) {
		return &fakeConn{handle: fail.serve, reporter: unreadableOnce{xReporter{serve: fail.serve}, &polls}}, nil
	}, 0)
	r.Resume = true
	sum, err := r.Run(context.Background())
	if err != nil || sum.Rows != 3 || len(api.created) != created || polls < 2 {
		t.Fatalf("%+v %v; %d jobs created again, %d polls", sum, err, len(api.created)-created, polls)
	}
}

// unreadableOnce answers its first poll as a connector does an answer it
// could not read: no jobs, and an error diagnostic.
type unreadableOnce struct {
	xReporter
	polls *int
}

func (u unreadableOnce) PollReportJobs(ctx context.Context, cfg schema.Config, account string, ids []string) (shared.ReportJobs, error) {
	if *u.polls++; *u.polls == 1 {
		return shared.ReportJobs{ResponseHead: shared.ResponseHead{Status: 200, Diagnostics: schema.Diagnostics{schema.Errorf("", "invalid_answer", "", "not a job list")}}}, nil
	}
	return u.xReporter.PollReportJobs(ctx, cfg, account, ids)
}
