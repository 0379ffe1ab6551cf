package flows

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// xReporter is, for these tests, what a connector's Reporter does over an
// API like the X Ads API's stats jobs (the fake statsAPI): one request per
// call through serve, the answer's head passed on.
type xReporter struct {
	serve func(req shared.Request) (*shared.Response, error)
}

var _ shared.Reporter = xReporter{}

func (x xReporter) CreateReportJob(_ context.Context, _ schema.Config, q shared.ReportQuery) (shared.ReportJobs, error) {
	query := []shared.Param{
		{Key: "entity", Value: q.Entity}, {Key: "entity_ids", Value: strings.Join(q.IDs, ",")},
		{Key: "start_time", Value: q.Start.Format(time.RFC3339)}, {Key: "end_time", Value: q.End.Format(time.RFC3339)},
		{Key: "granularity", Value: q.Granularity}, {Key: "placement", Value: q.Placement},
		{Key: "metric_groups", Value: strings.Join(q.Metrics, ",")},
	}
	if q.Segment != "" {
		query = append(query, shared.Param{Key: "segmentation_type", Value: q.Segment})
	}
	return x.jobs(shared.Request{Method: http.MethodPost, URL: "stats/jobs/accounts/" + q.Account, Query: query}, false)
}

func (x xReporter) PollReportJobs(_ context.Context, _ schema.Config, account string, ids []string) (shared.ReportJobs, error) {
	return x.jobs(shared.Request{Method: http.MethodGet, URL: "stats/jobs/accounts/" + account,
		Query: []shared.Param{{Key: "job_ids", Value: strings.Join(ids, ",")}, {Key: "count", Value: "200"}}}, true)
}

type xJob struct {
	ID     string  `json:"id_str"`
	Status string  `json:"status"`
	URL    *string `json:"url"`
}

func (x xReporter) jobs(req shared.Request, list bool) (shared.ReportJobs, error) {
	resp, err := x.serve(req)
	if err != nil {
		return shared.ReportJobs{}, err
	}
	defer resp.Body.Close()
	a := shared.ReportJobs{ResponseHead: resp.ResponseHead}
	if _, ok := withCode(a.Diagnostics, "TOO_MANY_JOBS"); ok {
		a.Diagnostics = append(a.Diagnostics, schema.Errorf("", shared.CodeTooManyJobs, "", "too many jobs"))
	}
	if a.Status >= 300 {
		return a, nil
	}
	var one struct{ Data xJob }
	var many struct{ Data []xJob }
	body, _ := io.ReadAll(resp.Body)
	var found []xJob
	if list {
		json.Unmarshal(body, &many)
		found = many.Data
	} else if json.Unmarshal(body, &one) == nil {
		found = []xJob{one.Data}
	}
	for _, j := range found {
		job := shared.ReportJob{ID: j.ID, State: shared.JobProcessing, APIState: j.Status}
		switch j.Status {
		case "SUCCESS":
			job.State = shared.JobSuccess
			if j.URL != nil {
				job.URL = *j.URL
			}
		case "FAILED", "EXPIRED", "CANCELLED":
			job.State = shared.JobFailed
		}
		a.Jobs = append(a.Jobs, job)
	}
	return a, nil
}

// FetchReportJob downloads the result and turns it into rows: one per
// entity and segment, with the job's window.
func (x xReporter) FetchReportJob(_ context.Context, _ schema.Config, q shared.ReportQuery, job shared.ReportJob) (*shared.Response, error) {
	resp, err := x.serve(shared.Request{Method: http.MethodGet, URL: job.URL})
	if err != nil {
		return nil, err
	}
	if resp.Status >= 300 {
		return resp, nil
	}
	defer resp.Body.Close()
	var rows bytes.Buffer
	if err := xRows(resp.Body, q, job.ID, &rows); err != nil {
		rows.Truncate(rows.Len() * 2 / 3) // what got across before the break
		return &shared.Response{ResponseHead: resp.ResponseHead, Body: &brokenBody{data: rows.Bytes(), err: err}}, nil
	}
	return &shared.Response{ResponseHead: resp.ResponseHead, Body: io.NopCloser(&rows)}, nil
}

func xRows(body io.Reader, q shared.ReportQuery, jobID string, w io.Writer) error {
	br := bufio.NewReader(body)
	var in io.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return err
		}
		in = gz
	}
	b, err := io.ReadAll(in)
	if err != nil {
		return err
	}
	var result struct {
		Data []struct {
			ID     json.RawMessage `json:"id"`
			IDData []struct {
				Segment json.RawMessage `json:"segment"`
				Metrics json.RawMessage `json:"metrics"`
			} `json:"id_data"`
		} `json:"data"`
	}
	if err := json.Unmarshal(b, &result); err != nil {
		return errors.New("the result is not JSON")
	}
	for _, e := range result.Data {
		for _, d := range e.IDData {
			row, _ := json.Marshal(map[string]any{"id": e.ID, "segment": d.Segment, "start_time": q.Start.Format(time.RFC3339),
				"end_time": q.End.Format(time.RFC3339), "granularity": q.Granularity, "placement": q.Placement, "job_id": jobID, "metrics": d.Metrics})
			fmt.Fprintf(w, "%s\n", row)
		}
	}
	return nil
}
