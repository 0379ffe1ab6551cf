package flows

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openintegrator/integrator/shared"
)

func TestPlanJobs(t *testing.T) {
	ids := make([]string, 45)
	for i := range ids {
		ids[i] = fmt.Sprint("li", i)
	}
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	jobs := planJobs(ids, start, start.Add(120*24*time.Hour), false)
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
	if seg := planJobs(ids[:3], start, start.Add(100*24*time.Hour), true); len(seg) != 3 || !seg[2].end.Equal(start.Add(100*24*time.Hour)) || !seg[1].start.Equal(start.Add(45*24*time.Hour)) {
		t.Errorf("segmented: %+v", seg)
	}
	if one := planJobs(ids[:1], start, start.Add(time.Hour), false); len(one) != 1 {
		t.Errorf("short: %+v", one)
	}
}

func TestReportCheck(t *testing.T) {
	r := &Report{IDs: []string{" ", ""}, Granularity: "week", Start: time.Date(2026, 1, 2, 0, 30, 0, 0, time.UTC), End: time.Date(2026, 1, 3, 0, 0, 0, 0, time.UTC)}
	err := r.check()
	for _, want := range []string{"--account is required", "--entity is required", "--ids needs", "whole hours", `--granularity "WEEK"`, "--metrics needs"} {
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
	mu         sync.Mutex
	jobs       map[string]*fakeJob
	seq        int
	maxProc    int // the most jobs processing at once
	tooMany    int // creates to refuse with TOO_MANY_JOBS first
	breakOnce  bool
	notFound   int // downloads answered 404 first, per job
	created    []kv
	processing func() int
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
	r := &Report{Plugin: p, Account: "acc1", Entity: "line_item", Granularity: "day", Metrics: []string{"ENGAGEMENT", "billing"},
		Start: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), PollInterval: time.Millisecond,
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
