package twitterads

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/openintegrator/integrator/plugin/twitteradssim"
	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

var testCreds = twitteradssim.Credentials{ConsumerKey: "xvz1evFS4wEEPTGEFPHBog", ConsumerSecret: "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
	AccessToken: "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb", TokenSecret: "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE"}

func gzipped(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

// downloadHost is a loopback server that answers every request with
// answer; the connection's base URI is another loopback address, so that
// the server stands for the report download host.
func downloadHost(t *testing.T, answer http.HandlerFunc) (*recorder, schema.Config) {
	rec := newRecorder(t, testCreds)
	rec.setAnswer(answer)
	return rec, credsConfig(testCreds, "http://"+closedPort(t))
}

// A result file becomes the rows, byte for byte, that host/flows wrote
// before issue 12 (testdata/stats-rows.jsonl is that code's output for
// testdata/stats-result.json; see testdata/README.md): segments, HTML
// characters, numbers, fields around "data", an entity without rows. The
// file is gzip or plain JSON, and is fetched without credentials.
func TestFetchReportJobRowsAsTheOldCode(t *testing.T) {
	in, err := os.ReadFile("testdata/stats-result.json")
	if err != nil {
		t.Fatal(err)
	}
	q := shared.ReportQuery{Start: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 1, 3, 5, 0, 0, 0, time.UTC),
		Granularity: "HOUR", Placement: "PUBLISHER_NETWORK"}
	for name, file := range map[string][]byte{"gzip": gzipped(in), "plain": in} {
		t.Run(name, func(t *testing.T) {
			rec, cfg := downloadHost(t, func(w http.ResponseWriter, r *http.Request) { w.Write(file) })
			head, rows, err := fetchRows(t, newTestConnector(), cfg, q, shared.ReportJob{ID: "1790000000000000001", URL: rec.URL + "/r.json.gz"})
			if err != nil || head.Status != 200 {
				t.Fatalf("%v %d %v", err, head.Status, head.Diagnostics)
			}
			compareGolden(t, rows, "testdata/stats-rows.jsonl")
			if seen := rec.requests(); len(seen) != 1 || seen[0].Method != "GET" || seen[0].Authorization != "" {
				t.Errorf("requests %+v; want one GET without credentials", seen)
			}
		})
	}
}

// A result that breaks off makes reading the rows fail, so that the host
// fetches the job again rather than keep part of it.
func TestFetchReportJobResultBreaksOff(t *testing.T) {
	whole := []byte(`{"data":[{"id":"a","id_data":[{"segment":null,"metrics":{"impressions":[1,2,3]}}]},` +
		`{"id":"b","id_data":[{"segment":null,"metrics":{"impressions":[4,5,6]}}]}],"request":{}}`)
	zipped := gzipped(whole)
	cases := map[string]http.HandlerFunc{
		"the connection ends early": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", strconv.Itoa(len(zipped)))
			w.Write(zipped[:len(zipped)*2/3])
		},
		"the gzip file is cut": func(w http.ResponseWriter, r *http.Request) { w.Write(zipped[:len(zipped)-6]) },
		"the JSON is cut":      func(w http.ResponseWriter, r *http.Request) { w.Write(whole[:len(whole)-20]) },
		"it is no stats file":  func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{"data":{}}`)) },
	}
	for name, answer := range cases {
		t.Run(name, func(t *testing.T) {
			rec, cfg := downloadHost(t, answer)
			head, _, err := fetchRows(t, newTestConnector(), cfg, shared.ReportQuery{}, shared.ReportJob{ID: "1", URL: rec.URL + "/r.json.gz"})
			if head.Status != 200 || err == nil {
				t.Errorf("status %d, read error %v; want 200 and an error", head.Status, err)
			}
		})
	}
}

// Closing the rows before the end stops the download: the server sees its
// request end, and Close returns.
func TestClosingRowsStopsTheDownload(t *testing.T) {
	gone := make(chan struct{})
	stopped := false
	rec, cfg := downloadHost(t, func(w http.ResponseWriter, r *http.Request) {
		defer close(gone)
		gz := gzip.NewWriter(w)
		gz.Write([]byte(`{"data":[{"id":"a","id_data":[{"segment":null,"metrics":{}}]},`))
		gz.Flush()
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
			stopped = true
		case <-time.After(time.Minute): // a guard, so that a failure does not hang the test
		}
	})
	resp, err := newTestConnector().FetchReportJob(context.Background(), cfg, shared.ReportQuery{}, shared.ReportJob{ID: "1", URL: rec.URL + "/r.json.gz"})
	if err != nil || resp.Status != 200 {
		t.Fatalf("%v %d", err, resp.Status)
	}
	resp.Body.Close()
	if <-gone; !stopped {
		t.Error("the download went on after the rows were closed")
	}
	if n, err := resp.Body.Read(make([]byte, 10)); n != 0 || err == nil {
		t.Errorf("read after close: %d %v", n, err)
	}
}

// The API's answers to creating and polling jobs: the requests as
// host/flows sent them before issue 12, the job states mapped, and an
// answer that names no job said to be one.
func TestReportJobAnswers(t *testing.T) {
	rec := newRecorder(t, testCreds)
	cfg := credsConfig(testCreds, rec.URL)
	c, ctx := newTestConnector(), context.Background()
	q := shared.ReportQuery{Account: "acc1", Entity: "LINE_ITEM", IDs: []string{"a", "b"}, Start: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		End: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC), Granularity: "DAY", Metrics: []string{"ENGAGEMENT", "BILLING"}, Placement: "ALL_ON_TWITTER", Segment: "AGE"}
	answer := func(body string) {
		rec.setAnswer(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, body)
		})
	}
	answer(`{"data":{"id":77,"id_str":"77","status":"PROCESSING","url":null},"request":{}}`)
	a, err := c.CreateReportJob(ctx, cfg, q)
	if d := cmp.Diff([]shared.ReportJob{{ID: "77", State: shared.JobProcessing, APIState: "PROCESSING"}}, a.Jobs); err != nil || d != "" {
		t.Errorf("created: %v %s", err, d)
	}
	states := []struct{ status, url string }{{"PROCESSING", "null"}, {"SUCCESS", "null"}, {"SUCCESS", `"https://ton.twimg.com/x.json.gz"`},
		{"success", `"https://ton.twimg.com/y.json.gz"`}, {"FAILED", "null"}, {"EXPIRED", "null"}, {"CANCELLED", "null"}, {"QUEUED", "null"}}
	list := ""
	for i, s := range states {
		list += fmt.Sprintf(`,{"id_str":"%d","status":%q,"url":%s}`, i+1, s.status, s.url)
	}
	answer(`{"data":[` + list[1:] + `],"next_cursor":null}`)
	p, err := c.PollReportJobs(ctx, cfg, "acc1", []string{"1", "2", "3", "4", "5", "6", "7", "8"})
	job := func(id string, st shared.JobState, url, api string) shared.ReportJob {
		return shared.ReportJob{ID: id, State: st, URL: url, APIState: api}
	}
	want := []shared.ReportJob{job("1", shared.JobProcessing, "", "PROCESSING"), job("2", shared.JobSuccess, "", "SUCCESS"),
		job("3", shared.JobSuccess, "https://ton.twimg.com/x.json.gz", "SUCCESS"), job("4", shared.JobSuccess, "https://ton.twimg.com/y.json.gz", "success"),
		job("5", shared.JobFailed, "", "FAILED"), job("6", shared.JobFailed, "", "EXPIRED"), job("7", shared.JobFailed, "", "CANCELLED"),
		job("8", shared.JobProcessing, "", "QUEUED")}
	if d := cmp.Diff(want, p.Jobs); err != nil || d != "" || len(p.Diagnostics) != 0 {
		t.Errorf("polled: %v %v (-want +got):\n%s", err, p.Diagnostics, d)
	}
	seen := rec.requests()
	sent := []string{seen[0].Method + " " + seen[0].Path + "?" + seen[0].RawQuery, seen[1].Method + " " + seen[1].Path + "?" + seen[1].RawQuery}
	wantSent := []string{"POST /12/stats/jobs/accounts/acc1?entity=LINE_ITEM&entity_ids=a%2Cb&start_time=2026-01-01T00%3A00%3A00Z&end_time=2026-04-01T00%3A00%3A00Z" +
		"&granularity=DAY&placement=ALL_ON_TWITTER&metric_groups=ENGAGEMENT%2CBILLING&segmentation_type=AGE",
		"GET /12/stats/jobs/accounts/acc1?job_ids=1%2C2%2C3%2C4%2C5%2C6%2C7%2C8&count=200"}
	if d := cmp.Diff(wantSent, sent); d != "" || seen[0].VerifyErr != nil || seen[1].VerifyErr != nil {
		t.Errorf("requests (-want +got):\n%s%v %v", d, seen[0].VerifyErr, seen[1].VerifyErr)
	}

	for _, body := range []string{`{"data":{"status":"PROCESSING"}}`, `{"data":`, `<html>`} {
		answer(body)
		a, err := c.CreateReportJob(ctx, cfg, q)
		if _, ok := find(a.Diagnostics, CodeInvalidAnswer); err != nil || a.Status != 200 || len(a.Jobs) != 0 || !ok {
			t.Errorf("create answered %s: %v %d %+v %v", body, err, a.Status, a.Jobs, codes(a.Diagnostics))
		}
		p, err := c.PollReportJobs(ctx, cfg, "acc1", []string{"1"})
		if _, ok := find(p.Diagnostics, CodeInvalidAnswer); err != nil || len(p.Jobs) != 0 || !ok {
			t.Errorf("poll answered %s: %v %d %+v %v", body, err, p.Status, p.Jobs, codes(p.Diagnostics))
		}
	}
}
