package twitterads

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/openintegrator/integrator/plugin/httpconn"
	"github.com/openintegrator/integrator/plugin/twitteradssim"
	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// The host's flows learn the X Ads API's paging and report limits from
// Describe: the values host/flows had as constants before issue 12.
func TestDescribe(t *testing.T) {
	got, err := newTestConnector().Describe(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := shared.Description{
		Paging: &shared.Paging{Style: shared.PagingCursor, RecordsField: "data", CursorParam: "cursor", NextCursorField: "next_cursor",
			TotalField: "total_count", TotalParam: &shared.Param{Key: "with_total_count", Value: "true"}},
		Reports: &shared.Reports{MaxWindow: 90 * 24 * time.Hour, MaxSegmentedWindow: 45 * 24 * time.Hour, MaxIDs: 20,
			MaxProcessingJobs: 100, MaxPollIDs: 200, Granularities: []string{"DAY", "HOUR", "TOTAL"}, DefaultPlacement: "ALL_ON_TWITTER"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Describe (-want +got):\n%s", d)
	}
}

// t0 is the clock of fixedSim: job ids follow from it.
var t0 = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

// fixedSim starts a simulator whose clock stands still at t0, so that the
// ids of the jobs it creates are the same on every run, and whose jobs
// succeed at once; signatures made on the real clock are accepted.
func fixedSim(t *testing.T, opts ...twitteradssim.Option) *twitteradssim.Server {
	return newSim(t, append([]twitteradssim.Option{twitteradssim.WithClock(func() time.Time { return t0 }),
		twitteradssim.WithMaxClockSkew(10 * 365 * 24 * time.Hour), twitteradssim.WithStatsJobDelay(0)}, opts...)...)
}

// fetchRows fetches a job's rows and returns the head and the rows read.
func fetchRows(t *testing.T, c *Connector, cfg schema.Config, q shared.ReportQuery, job shared.ReportJob) (shared.ResponseHead, []byte, error) {
	t.Helper()
	resp, err := c.FetchReportJob(context.Background(), cfg, q, job)
	if err != nil {
		t.Fatalf("FetchReportJob: %v", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.ResponseHead, b, err
}

// A report run through Create, Poll and Fetch against the simulator gives
// the rows, byte for byte, that host/flows wrote before issue 12 for the
// same jobs: testdata/sim-rows.jsonl is the output of that code's report
// flow against the same simulator (see testdata/README.md). On the way,
// a job's url is null on the first poll after SUCCESS, and its file
// answers 404 once before it is there, as on the real API.
func TestReportJobsGiveTheRowsOfTheOldFlow(t *testing.T) {
	srv := fixedSim(t)
	c, cfg, ctx := newTestConnector(), simConfig(srv), context.Background()
	resp, body := do(t, c, cfg, shared.Request{URL: "accounts/" + srv.AccountID + "/campaigns", Query: params("count", "3")})
	var list struct{ Data []struct{ ID string } }
	if err := json.Unmarshal(body, &list); err != nil || resp.Status != 200 {
		t.Fatalf("campaigns: %d %s", resp.Status, body)
	}
	q := shared.ReportQuery{Account: srv.AccountID, Entity: "CAMPAIGN", Granularity: "DAY", Metrics: []string{"ENGAGEMENT"},
		Placement: "ALL_ON_TWITTER", Segment: "AGE"}
	for _, cp := range list.Data {
		q.IDs = append(q.IDs, cp.ID)
	}
	// The old flow's plan: a segmented job covers at most 45 days.
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, time.UTC) }
	windows := [][2]time.Time{{day(1, 1), day(2, 15)}, {day(2, 15), day(2, 20)}}
	var queries []shared.ReportQuery
	var ids []string
	for _, w := range windows {
		q.Start, q.End = w[0], w[1]
		a, err := c.CreateReportJob(ctx, cfg, q)
		if err != nil || a.Status != 200 || len(a.Jobs) != 1 || a.Jobs[0].ID == "" {
			t.Fatalf("CreateReportJob: %v %d %v %+v", err, a.Status, a.Diagnostics, a.Jobs)
		}
		queries, ids = append(queries, q), append(ids, a.Jobs[0].ID)
	}
	var jobs []shared.ReportJob
	for poll := 1; poll <= 2; poll++ {
		a, err := c.PollReportJobs(ctx, cfg, srv.AccountID, ids)
		if err != nil || a.Status != 200 || len(a.Jobs) != 2 {
			t.Fatalf("poll %d: %v %d %v %+v", poll, err, a.Status, a.Diagnostics, a.Jobs)
		}
		for i, j := range a.Jobs {
			if j.ID != ids[i] || j.State != shared.JobSuccess || j.APIState != "SUCCESS" || (j.URL == "") != (poll == 1) {
				t.Errorf("poll %d: job %+v", poll, j)
			}
		}
		jobs = a.Jobs
	}
	var rows []byte
	for i, j := range jobs {
		head, b, err := fetchRows(t, c, cfg, queries[i], j)
		if err != nil || head.Status != http.StatusNotFound || len(b) != 0 {
			t.Errorf("first fetch of job %s: %v %d %q; want 404 and no rows", j.ID, err, head.Status, b)
		}
		head, b, err = fetchRows(t, c, cfg, queries[i], j)
		if err != nil || head.Status != 200 {
			t.Fatalf("fetching job %s: %v %d %v", j.ID, err, head.Status, head.Diagnostics)
		}
		if ct := head.HeaderValue("Content-Type"); ct != "application/x-ndjson" || head.HeaderValue("Content-Length") != "" {
			t.Errorf("rows sent as %q, length %q", ct, head.HeaderValue("Content-Length"))
		}
		rows = append(rows, b...)
	}
	compareGolden(t, rows, "testdata/sim-rows.jsonl")
}

func compareGolden(t *testing.T, got []byte, path string) {
	t.Helper()
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("rows differ from %s:\n got: %s\nwant: %s", path, got, want)
	}
}

// With 100 jobs processing, the API refuses another with TOO_MANY_JOBS,
// which the host recognises by shared.CodeTooManyJobs; the jobs poll as
// processing.
func TestCreateReportJobTooManyJobs(t *testing.T) {
	srv := newSim(t, twitteradssim.WithStatsJobDelay(time.Hour))
	c, cfg, ctx := newTestConnector(), simConfig(srv), context.Background()
	q := shared.ReportQuery{Account: srv.AccountID, Entity: "ACCOUNT", IDs: []string{srv.AccountID}, Start: t0, End: t0.Add(24 * time.Hour),
		Granularity: "TOTAL", Metrics: []string{"ENGAGEMENT"}, Placement: "ALL_ON_TWITTER"}
	var ids []string
	for i := 0; i < 100; i++ {
		a, err := c.CreateReportJob(ctx, cfg, q)
		if err != nil || a.Status != 200 || len(a.Jobs) != 1 {
			t.Fatalf("job %d: %v %d %v", i+1, err, a.Status, a.Diagnostics)
		}
		ids = append(ids, a.Jobs[0].ID)
	}
	a, err := c.CreateReportJob(ctx, cfg, q)
	if err != nil || a.Status != http.StatusBadRequest || len(a.Jobs) != 0 {
		t.Fatalf("job 101: %v %d %+v", err, a.Status, a.Jobs)
	}
	if d, ok := find(a.Diagnostics, shared.CodeTooManyJobs); !ok || d.Severity != schema.SeverityError {
		t.Errorf("diagnostics %v; want one of code %s", codes(a.Diagnostics), shared.CodeTooManyJobs)
	}
	p, err := c.PollReportJobs(ctx, cfg, srv.AccountID, ids[:3])
	if err != nil || len(p.Jobs) != 3 {
		t.Fatalf("poll: %v %d %v", err, p.Status, p.Diagnostics)
	}
	for _, j := range p.Jobs {
		if j.State != shared.JobProcessing || j.APIState != "PROCESSING" || j.URL != "" {
			t.Errorf("job %+v", j)
		}
	}
}

// Each report call sends one request: an answer that asks to wait (429,
// 503) comes back at once, with the head the host's limiter reads.
func TestReportCallsSendOnceAndPassTheHead(t *testing.T) {
	srv := fixedSim(t)
	c, cfg, ctx := newTestConnector(), simConfig(srv), context.Background()
	q := shared.ReportQuery{Account: srv.AccountID, Entity: "ACCOUNT", IDs: []string{srv.AccountID}, Start: t0.Add(-24 * time.Hour), End: t0,
		Granularity: "TOTAL", Metrics: []string{"ENGAGEMENT"}, Placement: "ALL_ON_TWITTER"}
	created, err := c.CreateReportJob(ctx, cfg, q)
	if err != nil || len(created.Jobs) != 1 {
		t.Fatalf("create: %v %d %v", err, created.Status, created.Diagnostics)
	}
	ok, err := c.PollReportJobs(ctx, cfg, srv.AccountID, []string{created.Jobs[0].ID})
	if err != nil || ok.RateLimit == nil || ok.RateLimit.Scope != "account" || ok.RateLimit.Remaining >= ok.RateLimit.Limit {
		t.Fatalf("a poll's rate limit: %v %+v", err, ok.RateLimit)
	}
	path := "/stats/jobs/accounts/"
	calls := []struct {
		name  string
		fault twitteradssim.Fault
		call  func() (shared.ResponseHead, error)
	}{
		{"create", twitteradssim.Fault{Kind: twitteradssim.FaultTooManyRequests, Path: path, Times: 1, RetryAfter: time.Minute},
			func() (shared.ResponseHead, error) {
				a, err := c.CreateReportJob(ctx, cfg, q)
				return a.ResponseHead, err
			}},
		{"poll", twitteradssim.Fault{Kind: twitteradssim.FaultTooManyRequests, Path: path, Times: 1, RetryAfter: time.Minute},
			func() (shared.ResponseHead, error) {
				a, err := c.PollReportJobs(ctx, cfg, srv.AccountID, []string{created.Jobs[0].ID})
				return a.ResponseHead, err
			}},
		{"fetch", twitteradssim.Fault{Kind: twitteradssim.FaultUnavailable, Download: true, Times: 1, RetryAfter: time.Second},
			func() (shared.ResponseHead, error) {
				head, b, err := fetchRows(t, c, cfg, q, shared.ReportJob{ID: "1", URL: srv.DownloadURL + "/x.json.gz"})
				if len(b) > 0 {
					t.Errorf("fetch: rows %q from a 503", b)
				}
				return head, err
			}},
	}
	for _, tc := range calls {
		srv.SetFaults(twitteradssim.Faults{tc.fault})
		before := requests(srv)
		head, err := tc.call()
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if n := requests(srv) - before; n != 1 || head.Attempts != 1 {
			t.Errorf("%s: %d requests, %d attempts; want 1", tc.name, n, head.Attempts)
		}
		if _, ok := find(head.Diagnostics, httpconn.CodeAttemptsExhausted); ok {
			t.Errorf("%s: %v: one attempt was asked for, none was exhausted", tc.name, codes(head.Diagnostics))
		}
		switch tc.fault.Kind {
		case twitteradssim.FaultTooManyRequests:
			if rl := head.RateLimit; head.Status != 429 || rl == nil || rl.Remaining != 0 || !rl.Reset.Equal(t0.Add(time.Minute)) {
				t.Errorf("%s: %d %+v; want 429 with the rate limit spent until %s", tc.name, head.Status, rl, t0.Add(time.Minute))
			}
		default:
			if head.Status != 503 || head.HeaderValue("Retry-After") != "1" {
				t.Errorf("%s: %d retry-after %q; want 503 and 1", tc.name, head.Status, head.HeaderValue("Retry-After"))
			}
		}
	}
}
