package shared

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/openintegrator/integrator/schema"
)

// reportingConnector is a fake plugin that describes its API and runs
// async reports.
type reportingConnector struct {
	fakeConnector
	desc    Description
	gotQ    ReportQuery
	gotIDs  []string
	gotJob  ReportJob
	jobs    ReportJobs
	rows    string
	account string
}

func (r *reportingConnector) Describe(_ context.Context, cfg schema.Config) (Description, error) {
	r.gotCfg = cfg
	return r.desc, nil
}

func (r *reportingConnector) CreateReportJob(_ context.Context, cfg schema.Config, q ReportQuery) (ReportJobs, error) {
	r.gotCfg, r.gotQ = cfg, q
	return r.jobs, nil
}

func (r *reportingConnector) PollReportJobs(_ context.Context, cfg schema.Config, account string, ids []string) (ReportJobs, error) {
	r.gotCfg, r.account, r.gotIDs = cfg, account, ids
	return r.jobs, nil
}

func (r *reportingConnector) FetchReportJob(_ context.Context, cfg schema.Config, q ReportQuery, job ReportJob) (*Response, error) {
	r.gotCfg, r.gotQ, r.gotJob = cfg, q, job
	return &Response{ResponseHead: ResponseHead{Status: 200}, Body: io.NopCloser(strings.NewReader(r.rows))}, nil
}

// Describe and the report calls carry every field both ways, over each
// transport.
func TestDescribeAndReportsCrossTheWire(t *testing.T) {
	cfg := schema.Config{"token": schema.StringValue("s3cret")}
	desc := Description{
		Paging: &Paging{Style: PagingCursor, RecordsField: "data", CursorParam: "cursor", NextCursorField: "next",
			PageParam: "p", FirstPage: 1, PageSizeParam: "n", NextURLField: "u", TotalField: "total", TotalParam: &Param{Key: "with_total", Value: "true"}},
		Reports: &Reports{MaxWindow: 90 * 24 * time.Hour, MaxSegmentedWindow: 45 * 24 * time.Hour, MaxIDs: 20, MaxProcessingJobs: 100,
			MaxPollIDs: 200, Granularities: []string{"DAY", "HOUR"}, DefaultPlacement: "EVERYWHERE"},
		Diagnostics: schema.Diagnostics{{Severity: schema.SeverityWarning, Field: "paging", Code: "c", Summary: "s"}},
	}
	q := ReportQuery{Account: "acc", Entity: "LINE_ITEM", IDs: []string{"a", "b"}, Start: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		End: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), Granularity: "DAY", Metrics: []string{"ENGAGEMENT"}, Placement: "P", Segment: "AGE"}
	jobs := ReportJobs{ResponseHead: ResponseHead{Status: 200, Diagnostics: schema.Diagnostics{{Severity: schema.SeverityError, Code: CodeTooManyJobs, Summary: "x"}}},
		Jobs: []ReportJob{{ID: "1", State: JobSuccess, URL: "https://d/x.gz", APIState: "SUCCESS"}, {ID: "2", State: JobFailed, APIState: "EXPIRED"}}}
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			impl := &reportingConnector{desc: desc, jobs: jobs, rows: "{\"id\":1}\n{\"id\":2}\n"}
			c := tr.connect(t, impl)
			ctx := context.Background()
			got, err := c.(Describer).Describe(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(desc, got); d != "" || impl.gotCfg.Text("token") != "s3cret" {
				t.Errorf("Describe (-sent +got):\n%s", d)
			}
			r := c.(Reporter)
			a, err := r.CreateReportJob(ctx, cfg, q)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(jobs, a); d != "" {
				t.Errorf("CreateReportJob answer (-sent +got):\n%s", d)
			}
			if d := cmp.Diff(q, impl.gotQ); d != "" {
				t.Errorf("CreateReportJob query (-sent +got):\n%s", d)
			}
			if _, err := r.PollReportJobs(ctx, cfg, "acc", []string{"1", "2"}); err != nil || impl.account != "acc" || len(impl.gotIDs) != 2 {
				t.Errorf("PollReportJobs: %v %q %v", err, impl.account, impl.gotIDs)
			}
			resp, err := r.FetchReportJob(ctx, cfg, q, jobs.Jobs[0])
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if string(body) != impl.rows || resp.Status != 200 || impl.gotJob != jobs.Jobs[0] {
				t.Errorf("FetchReportJob: %q %d %+v", body, resp.Status, impl.gotJob)
			}
		})
	}
}

// A connector without the capabilities answers with ErrUnsupported.
func TestConnectorWithoutCapabilities(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			c := tr.connect(t, &fakeConnector{})
			if _, err := c.(Describer).Describe(context.Background(), nil); !errors.Is(err, ErrUnsupported) {
				t.Errorf("Describe: %v", err)
			}
			if _, err := c.(Reporter).FetchReportJob(context.Background(), nil, ReportQuery{}, ReportJob{}); !errors.Is(err, ErrUnsupported) {
				t.Errorf("FetchReportJob: %v", err)
			}
		})
	}
}
