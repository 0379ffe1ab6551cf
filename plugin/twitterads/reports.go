package twitterads

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/openintegrator/integrator/plugin/httpconn"
	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

var (
	_ shared.Describer = (*Connector)(nil)
	_ shared.Reporter  = (*Connector)(nil)
)

// The async analytics (stats jobs) of the X Ads API.
const (
	statsJobsPath    = "stats/jobs/accounts/"
	maxPollIDs       = 200      // job ids per status request
	maxJobsAnswer    = 16 << 20 // bytes of a job or job list answer read
	defaultPlacement = "ALL_ON_TWITTER"
)

// Describe says how the API's lists page (a cursor, "data", the total
// when asked for) and what one stats job may cover. It never touches the
// network; the answer does not depend on the settings.
func (c *Connector) Describe(context.Context, schema.Config) (shared.Description, error) {
	return shared.Description{
		Paging: &shared.Paging{Style: shared.PagingCursor, RecordsField: "data", CursorParam: "cursor", NextCursorField: "next_cursor",
			TotalField: "total_count", TotalParam: &shared.Param{Key: "with_total_count", Value: "true"}},
		Reports: &shared.Reports{MaxWindow: 90 * 24 * time.Hour, MaxSegmentedWindow: 45 * 24 * time.Hour, MaxIDs: 20,
			MaxProcessingJobs: 100, MaxPollIDs: maxPollIDs, Granularities: []string{"DAY", "HOUR", "TOTAL"}, DefaultPlacement: defaultPlacement},
	}, nil
}

// CreateReportJob creates a stats job: POST stats/jobs/accounts/<account>
// with the query's parameters. A refusal because the account has too
// many jobs processing (TOO_MANY_JOBS) carries shared.CodeTooManyJobs.
func (c *Connector) CreateReportJob(ctx context.Context, cfg schema.Config, q shared.ReportQuery) (shared.ReportJobs, error) {
	var b struct{ Data *apiJob }
	a, err := c.jobsCall(ctx, cfg, shared.Request{Method: http.MethodPost, URL: statsJobsPath + url.PathEscape(q.Account), Query: jobQuery(q)}, &b)
	for i, d := range a.Diagnostics {
		if d.Code == "TOO_MANY_JOBS" {
			a.Diagnostics[i].Code = shared.CodeTooManyJobs
		}
	}
	switch {
	case err != nil || a.Status/100 != 2 || a.Diagnostics.HasError():
	case b.Data == nil || b.Data.ID == "":
		a.Diagnostics = append(a.Diagnostics, invalidAnswer("the answer names no job (data.id_str)"))
	default:
		a.Jobs = []shared.ReportJob{b.Data.job()}
	}
	return a, err
}

// PollReportJobs asks for the jobs' status: GET
// stats/jobs/accounts/<account>?job_ids=...&count=200.
func (c *Connector) PollReportJobs(ctx context.Context, cfg schema.Config, account string, ids []string) (shared.ReportJobs, error) {
	var b struct{ Data []apiJob }
	a, err := c.jobsCall(ctx, cfg, shared.Request{Method: http.MethodGet, URL: statsJobsPath + url.PathEscape(account),
		Query: []shared.Param{{Key: "job_ids", Value: strings.Join(ids, ",")}, {Key: "count", Value: strconv.Itoa(maxPollIDs)}}}, &b)
	if err == nil && a.Status/100 == 2 && !a.Diagnostics.HasError() {
		for _, j := range b.Data {
			a.Jobs = append(a.Jobs, j.job())
		}
	}
	return a, err
}

// FetchReportJob downloads the job's result from its url (the download
// host, unsigned) and answers with its rows as JSON Lines (reportrows.go),
// streamed. Any answer but a 2xx is returned as it came, without a body:
// 404 and 403 mean the file is not there yet.
func (c *Connector) FetchReportJob(ctx context.Context, cfg schema.Config, q shared.ReportQuery, job shared.ReportJob) (*shared.Response, error) {
	resp, err := c.once(ctx, cfg, shared.Request{Method: http.MethodGet, URL: job.URL})
	if err != nil {
		return nil, err
	}
	if resp.Status/100 != 2 {
		resp.Body.Close()
		resp.Body = shared.EmptyBody()
		return resp, nil
	}
	// The Content-* fields describe the file, not the rows.
	resp.Header = append(slices.DeleteFunc(resp.Header, func(h shared.Header) bool {
		return strings.HasPrefix(strings.ToLower(h.Name), "content-")
	}), shared.Header{Name: "Content-Type", Value: "application/x-ndjson"})
	resp.Body = streamRows(resp.Body, q, job.ID)
	return resp, nil
}

// once sends req in one attempt: the host does the retrying and the
// waiting, from the head returned.
func (c *Connector) once(ctx context.Context, cfg schema.Config, req shared.Request) (*shared.Response, error) {
	req.MaxAttempts = 1
	resp, err := c.DoRequest(ctx, cfg, req)
	if resp != nil { // one attempt is what was asked for, not a limit reached
		resp.Diagnostics = slices.DeleteFunc(resp.Diagnostics, func(d schema.Diagnostic) bool { return d.Code == httpconn.CodeAttemptsExhausted })
	}
	return resp, err
}

// jobsCall sends req once and decodes a 2xx answer into v; an answer
// that is no JSON object adds an error diagnostic.
func (c *Connector) jobsCall(ctx context.Context, cfg schema.Config, req shared.Request, v any) (shared.ReportJobs, error) {
	resp, err := c.once(ctx, cfg, req)
	if err != nil {
		return shared.ReportJobs{}, err
	}
	defer resp.Body.Close()
	a := shared.ReportJobs{ResponseHead: resp.ResponseHead}
	if resp.Status/100 == 2 {
		if err := json.NewDecoder(io.LimitReader(resp.Body, maxJobsAnswer)).Decode(v); err != nil {
			a.Diagnostics = append(a.Diagnostics, invalidAnswer("reading the answer: %v", err))
		}
	}
	return a, nil
}

func invalidAnswer(format string, args ...any) schema.Diagnostic {
	return schema.Errorf("", CodeInvalidAnswer, "the API answered in an unexpected form; try again later", format, args...)
}

// apiJob is a stats job as the API describes it.
type apiJob struct {
	ID     string  `json:"id_str"`
	Status string  `json:"status"`
	URL    *string `json:"url"` // null for a while after SUCCESS
}

func (j apiJob) job() shared.ReportJob {
	out := shared.ReportJob{ID: j.ID, State: shared.JobProcessing, APIState: j.Status}
	switch strings.ToUpper(j.Status) {
	case "SUCCESS":
		out.State = shared.JobSuccess
		if j.URL != nil {
			out.URL = *j.URL
		}
	case "FAILED", "EXPIRED", "CANCELLED":
		out.State = shared.JobFailed
	}
	return out
}

// jobQuery is the parameters of a job, in the order they are sent.
func jobQuery(q shared.ReportQuery) []shared.Param {
	ps := []shared.Param{
		{Key: "entity", Value: q.Entity},
		{Key: "entity_ids", Value: strings.Join(q.IDs, ",")},
		{Key: "start_time", Value: q.Start.UTC().Format(time.RFC3339)},
		{Key: "end_time", Value: q.End.UTC().Format(time.RFC3339)},
		{Key: "granularity", Value: q.Granularity},
		{Key: "placement", Value: q.Placement},
		{Key: "metric_groups", Value: strings.Join(q.Metrics, ",")},
	}
	if q.Segment != "" {
		ps = append(ps, shared.Param{Key: "segmentation_type", Value: q.Segment})
	}
	return ps
}
