package cli

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/openintegrator/integrator/host/iostreams"
	"github.com/openintegrator/integrator/shared"
)

func TestExportJob(t *testing.T) {
	x, err := exportJob(&ExportOptions{Path: "accounts/a/campaigns", Fields: []string{"count=1000", "with_deleted=true", "q="},
		Records: "data", Out: "c.jsonl", MaxRecords: 10, Resume: true})
	if err != nil {
		t.Fatal(err)
	}
	want := []shared.Param{{Key: "count", Value: "1000"}, {Key: "with_deleted", Value: "true"}, {Key: "q", Value: ""}}
	if diff := cmp.Diff(want, x.Params); diff != "" || x.Out != "c.jsonl" || x.MaxRecords != 10 || !x.Resume || x.RecordsField != "data" {
		t.Errorf("%+v\n%s", x, diff)
	}
	bad := []struct {
		opts ExportOptions
		want string
	}{
		{ExportOptions{Fields: []string{"count"}, Records: "data", Out: "-"}, `-F "count": write it as KEY=VALUE`},
		{ExportOptions{Records: "data", Out: "x", Resume: true, Restart: true}, "--resume and --restart contradict each other"},
		{ExportOptions{Records: "data", Out: "-", Resume: true}, "an export to stdout cannot be resumed"},
		{ExportOptions{Records: "data", Out: "x", MaxRecords: -1}, "--max-records must not be negative"},
		{ExportOptions{Records: "", RecordsSet: true, Out: "x"}, "--records must name a field"},
	}
	for _, b := range bad {
		if _, err := exportJob(&b.opts); err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%+v: err = %v, want %q", b.opts, err, b.want)
		}
	}
}

func TestImportJob(t *testing.T) {
	im, err := importJob(&ImportOptions{Method: "post", PathTemplate: "accounts/{account_id}/campaigns", In: "in.jsonl", As: "JSON",
		Concurrency: 8, Results: "-", Errors: "err.jsonl", Batch: 40, MaxRecord: 2 << 20, Again: true, Wait: true}, false)
	if err != nil {
		t.Fatal(err)
	}
	if im.Method != "POST" || im.As != "json" || im.Concurrency != 8 || im.Errors != "err.jsonl" || im.BatchPath != "" ||
		im.MaxRecordBytes != 2<<20 || !im.Again || !im.Wait {
		t.Errorf("%+v", im)
	}
	bad := []struct {
		opts     ImportOptions
		batchSet bool
		want     string
	}{
		{ImportOptions{Method: "POST"}, false, "--in FILE is required"},
		{ImportOptions{Method: "POST", In: "x", Batch: 10}, true, "--batch needs --batch-path"},
		{ImportOptions{Method: "POST", In: "x", Results: "r", Errors: "r"}, false, "name the same file"},
	}
	for _, b := range bad {
		if _, err := importJob(&b.opts, b.batchSet); err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%+v: err = %v, want %q", b.opts, err, b.want)
		}
	}
}

func TestReportJob(t *testing.T) {
	r, err := reportJob(&ReportOptions{Account: "a", Entity: "LINE_ITEM", IDs: []string{"x,y", " z "}, Start: "2026-01-01", End: "2026-05-01T00:00:00Z",
		Granularity: "DAY", Metrics: []string{"ENGAGEMENT,BILLING"}, PollInterval: time.Second, MaxJobs: 100})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"x", "y", "z"}, r.IDs); diff != "" {
		t.Error(diff)
	}
	if diff := cmp.Diff([]string{"ENGAGEMENT", "BILLING"}, r.Metrics); diff != "" {
		t.Error(diff)
	}
	if r.Start != time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) || r.End != time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC) {
		t.Errorf("window %v..%v", r.Start, r.End)
	}
	_, err = reportJob(&ReportOptions{Start: "soon", End: "later"})
	for _, want := range []string{"--start: ", "--end: ", "--poll-interval must be positive"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in %v", want, err)
		}
	}
}

func TestFlowCommandsAreWired(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	f := &Factory{IO: ios, Getenv: func(string) string { return "" }}
	root := NewRootCmd(f)
	for _, name := range []string{"export", "import", "report"} {
		cmd, _, err := root.Find([]string{name})
		if err != nil || cmd.Name() != name {
			t.Errorf("%s: %v", name, err)
		}
	}
	imp, _, _ := root.Find([]string{"import"})
	for _, flag := range []string{"method", "in", "as", "batch", "batch-path", "concurrency", "results", "errors", "progress"} {
		if imp.Flags().Lookup(flag) == nil {
			t.Errorf("import has no --%s", flag)
		}
	}
}

func TestCheckPluginProcs(t *testing.T) {
	for v, ok := range map[string]bool{"": true, "1": true, "8": true, "0": false, "-2": false, "two": false, "1.5": false} {
		if err := checkPluginProcs(v); (err == nil) != ok {
			t.Errorf("%q: %v", v, err)
		}
	}
}
