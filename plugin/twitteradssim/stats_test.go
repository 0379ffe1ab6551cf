package twitteradssim

import (
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func statsParams(ids []string, start, end time.Time, granularity string) []string {
	return []string{"entity", "CAMPAIGN", "entity_ids", strings.Join(ids, ","),
		"start_time", start.Format(time.RFC3339), "end_time", end.Format(time.RFC3339),
		"granularity", granularity, "placement", "ALL_ON_TWITTER", "metric_groups", "ENGAGEMENT,BILLING"}
}

// seriesOf returns metrics.<name> of data[i].
func seriesOf(t *testing.T, body map[string]any, i int, name string) []float64 {
	t.Helper()
	d := body["data"].([]any)[i].(map[string]any)
	m := d["id_data"].([]any)[0].(map[string]any)["metrics"].(map[string]any)
	var out []float64
	for _, v := range m[name].([]any) {
		out = append(out, v.(float64))
	}
	return out
}

func TestSyncStats(t *testing.T) {
	srv, c := startServer(t)
	ids := pageAll(t, c, campaignsPath(srv))[:3]
	p := "/12/stats/accounts/" + srv.AccountID
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	end := start.Add(48 * time.Hour)
	day := c.get(p, statsParams(ids, start, end, "DAY")...)
	wantStatus(t, day, 200, "")
	if day.Body["time_series_length"] != float64(2) || day.Body["data_type"] != "stats" || len(day.Body["data"].([]any)) != 3 {
		t.Fatalf("DAY answer %s", day.Raw)
	}
	total := c.get(p, statsParams(ids, start, end, "TOTAL")...)
	hour := c.get(p, statsParams(ids, start, end, "HOUR")...)
	d, tot, h := seriesOf(t, day.Body, 1, "impressions"), seriesOf(t, total.Body, 1, "impressions"), seriesOf(t, hour.Body, 1, "impressions")
	var sumH float64
	for _, v := range h {
		sumH += v
	}
	if len(h) != 48 || d[0]+d[1] != tot[0] || tot[0] != sumH || tot[0] == 0 {
		t.Errorf("granularities disagree: hours %d sum %v, days %v, total %v", len(h), sumH, d, tot)
	}
	if again := c.get(p, statsParams(ids, start, end, "DAY")...); string(again.Raw) != string(day.Raw) {
		t.Error("equal requests, different metrics")
	}

	tooMany := make([]string, 21)
	for i := range tooMany {
		tooMany[i] = ids[0]
	}
	bad := []struct {
		kv   []string
		code string
	}{
		{statsParams(tooMany, start, end, "DAY"), CodeInvalidParameter},
		{statsParams(ids, start, start.Add(8*24*time.Hour), "DAY"), CodeInvalidTimeWindow},
		{statsParams(ids, end, start, "DAY"), CodeInvalidTimeWindow},
		{statsParams(ids, start.Add(time.Minute), end, "DAY"), CodeInvalidParameter},
		{statsParams(ids, start, end, "WEEK"), CodeInvalidParameter},
		{statsParams([]string{"nope"}, start, end, "DAY"), CodeInvalidParameter},
		{[]string{"entity", "CAMPAIGN"}, CodeMissingParameter},
	}
	for _, b := range bad {
		wantStatus(t, c.get(p, b.kv...), 400, b.code)
	}
}

func TestStatsJobLifecycle(t *testing.T) {
	srv, c, clk := clockServer(t, WithStatsJobDelay(10*time.Second), WithNullURLPolls(1), WithDownloadNotFound(2))
	ids := pageAll(t, c, campaignsPath(srv))[:2]
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	end := start.Add(30 * 24 * time.Hour) // longer than sync stats allow
	jobs := "/12/stats/jobs/accounts/" + srv.AccountID
	r := c.must(request{method: "POST", path: jobs, query: values(statsParams(ids, start, end, "DAY")...)})
	wantStatus(t, r, 200, "")
	id := r.data()["id_str"].(string)
	if r.data()["status"] != "PROCESSING" || r.data()["url"] != nil {
		t.Fatalf("new job %v", r.data())
	}
	poll := func() map[string]any {
		t.Helper()
		r := c.get(jobs, "job_ids", id)
		wantStatus(t, r, 200, "")
		return r.list()[0]
	}
	if j := poll(); j["status"] != "PROCESSING" {
		t.Fatalf("job %v", j)
	}
	clk.Advance(10 * time.Second)
	if j := poll(); j["status"] != "SUCCESS" || j["url"] != nil {
		t.Fatalf("first poll after success should have a null url: %v", j)
	}
	j := poll()
	url, _ := j["url"].(string)
	if !strings.HasPrefix(url, srv.DownloadURL+"/") || j["expires_at"] == nil {
		t.Fatalf("job %v", j)
	}
	// The download is an unsigned GET; the first two attempts are 404s.
	for i := 0; i < 2; i++ {
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 404 {
			t.Fatalf("attempt %d: %d, want 404", i, resp.StatusCode)
		}
	}
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/gzip" {
		t.Fatalf("download: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	zr, err := gzip.NewReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	var file map[string]any
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatalf("result is not JSON: %v", err)
	}
	if file["data_type"] != "stats" || file["time_series_length"] != float64(30) || len(file["data"].([]any)) != 2 {
		t.Fatalf("result %s", raw[:min(len(raw), 300)])
	}
	if _, ok := file["request"].(map[string]any)["params"]; !ok {
		t.Error("result has no request.params")
	}
	// The file agrees with sync stats over the same days.
	week := c.get("/12/stats/accounts/"+srv.AccountID, statsParams(ids, start, start.Add(7*24*time.Hour), "DAY")...)
	fromFile, fromSync := seriesOf(t, file, 0, "impressions"), seriesOf(t, week.Body, 0, "impressions")
	for i := range fromSync {
		if fromFile[i] != fromSync[i] {
			t.Fatalf("day %d: file %v, sync %v", i, fromFile[i], fromSync[i])
		}
	}
	if n := srv.Counts().Downloads; n != 1 {
		t.Errorf("Downloads = %d", n)
	}
}

func TestTooManyJobs(t *testing.T) {
	srv, c, clk := clockServer(t, WithStatsJobDelay(time.Minute))
	ids := pageAll(t, c, campaignsPath(srv))[:1]
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	jobs := "/12/stats/jobs/accounts/" + srv.AccountID
	q := values(statsParams(ids, start, start.Add(24*time.Hour), "TOTAL")...)
	for i := 0; i < 100; i++ {
		wantStatus(t, c.must(request{method: "POST", path: jobs, query: q}), 200, "")
	}
	wantStatus(t, c.must(request{method: "POST", path: jobs, query: q}), 400, CodeTooManyJobs)
	clk.Advance(time.Minute)
	wantStatus(t, c.must(request{method: "POST", path: jobs, query: q}), 200, "")
	// The job list pages with a cursor.
	r := c.get(jobs, "count", "60")
	if len(r.list()) != 60 || r.Body["next_cursor"] == nil {
		t.Fatalf("first page: %d jobs, next %v", len(r.list()), r.Body["next_cursor"])
	}
	r = c.get(jobs, "count", "60", "cursor", r.Body["next_cursor"].(string))
	if len(r.list()) != 41 || r.Body["next_cursor"] != nil {
		t.Errorf("second page: %d jobs, next %v", len(r.list()), r.Body["next_cursor"])
	}
}
