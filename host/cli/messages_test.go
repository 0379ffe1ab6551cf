package cli

import (
	"bytes"
	"testing"
	"time"

	"github.com/openintegrator/integrator/host/app"
	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// "Connection test: ok" shows one latency: the result's, or the plugin's
// latency fact when the result has none; the fact is not listed again.
func TestPingShowsOneLatency(t *testing.T) {
	facts := []shared.Fact{{Key: "latency", Value: "6.6ms"}, {Key: "api_version", Value: "12"}}
	for _, tt := range []struct {
		res  shared.PingResult
		want string
	}{
		{shared.PingResult{OK: true, Latency: 6612 * time.Microsecond, Facts: facts}, "Connection test: ok (latency 6.6ms)\n  api_version: 12\n"},
		{shared.PingResult{OK: true, Facts: facts}, "Connection test: ok (latency 6.6ms)\n  api_version: 12\n"},
		{shared.PingResult{OK: false, Diagnostics: schema.Diagnostics{{Severity: schema.SeverityError, Summary: "refused"}}},
			"error: refused\nConnection test: failed\n"},
	} {
		var b bytes.Buffer
		writePing(&b, tt.res)
		if b.String() != tt.want {
			t.Errorf("got:\n%s\nwant:\n%s", b.String(), tt.want)
		}
	}
}

// One of a thing reads as one: "1 page", "1 record", "1 row", "1 job",
// "restarted once".
func TestSummaryGrammar(t *testing.T) {
	for _, tt := range []struct{ got, want string }{
		{app.DescribeExport(app.ExportSummary{Out: "-", Records: 1, Pages: 1, Elapsed: time.Second}), "Exported 1 record in 1 page"},
		{app.DescribeExport(app.ExportSummary{Out: "c.jsonl", Records: 1080, Pages: 2, Restarts: 1, Elapsed: time.Second}),
			"Exported 1080 records in 2 pages to c.jsonl (the plugin was restarted once)"},
		{app.DescribeReport(app.ReportSummary{Rows: 1, Jobs: 1, Elapsed: time.Second}), "Report complete: 1 row from 1 job"},
		{app.DescribeReport(app.ReportSummary{Rows: 40, Jobs: 2, Resumed: true, Restarts: 3, Elapsed: time.Second}),
			"Report complete: 40 rows from 2 jobs (resumed) (the plugin was restarted 3 times)"},
	} {
		if tt.got != tt.want {
			t.Errorf("got  %q\nwant %q", tt.got, tt.want)
		}
	}
}
