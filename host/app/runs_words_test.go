package app

import (
	"errors"
	"testing"

	"github.com/openintegrator/integrator/shared"
)

// What a run's inputs and outcomes say is the same in every front end:
// these are the words the CLI printed before they moved here.
func TestRunWords(t *testing.T) {
	ps, err := ParseParams([]string{"count=10", "q=a=b", "empty="})
	if err != nil || len(ps) != 3 || ps[1] != (shared.Param{Key: "q", Value: "a=b"}) || ps[2].Value != "" {
		t.Errorf("ParseParams: %+v, %v", ps, err)
	}
	var pe *ParamError
	if _, err := ParseParams([]string{"count=10", "=x"}); !errors.As(err, &pe) || err.Error() != `"=x": write it as KEY=VALUE` {
		t.Errorf("a parameter without a key: %v", err)
	}
	if got := SplitList(" a, b ,,c", "d"); len(got) != 4 || got[0] != "a" || got[3] != "d" {
		t.Errorf("SplitList: %q", got)
	}
	flag := func(name string) string { return "--" + name }
	for _, tt := range []struct {
		got, want string
	}{
		{DescribeExport(ExportSummary{Out: "/d/c.jsonl", Records: 1, Pages: 1, Resumed: true, Restarts: 2}),
			"Exported 1 record in 1 page to /d/c.jsonl (resumed) (the plugin was restarted 2 times)"},
		{DescribeExport(ExportSummary{Out: "-", Records: 30, Pages: 3}), "Exported 30 records in 3 pages"},
		{DescribeImport(ImportSummary{Records: 3, OK: 2, Failed: 1}, flag), "Imported 3 records: 2 ok, 1 failed, 0 unknown"},
		{DescribeImport(ImportSummary{Records: 3, Earlier: 3}, flag), "Nothing sent: all 3 records were done before, skipped (--again sends them)"},
		{DescribeImport(ImportSummary{Records: 1, Earlier: 1}, nil), `Nothing sent: the 1 record was done before, skipped ("again" sends it)`},
		{DescribeImport(ImportSummary{Records: 4, OK: 1, Earlier: 3, EarlierUnknown: 1}, flag),
			"Imported 4 records: 1 ok, 0 failed, 0 unknown; 3 records done before, skipped (1 of them with an unknown outcome)"},
		{DescribeReport(ReportSummary{Jobs: 1, Rows: 2}), "Report complete: 2 rows from 1 job"},
		{DescribeReport(ReportSummary{Jobs: 6, Rows: 90, Resumed: true}), "Report complete: 90 rows from 6 jobs (resumed)"},
		{InvalidUTF8Warning(ExportSummary{InvalidUTF8: 2}), "2 of the records this run exported hold bytes that are not valid UTF-8; they are kept as the API sent them, byte for byte"},
		{InvalidUTF8Warning(ExportSummary{}), ""},
		{UnknownOutcomeAdvice(flag), "Records with an unknown outcome may have been applied: check before sending them again (with --again)."},
	} {
		if tt.got != tt.want {
			t.Errorf("got  %q\nwant %q", tt.got, tt.want)
		}
	}
	if !ImportFailed(ImportSummary{EarlierUnknown: 1}) || ImportFailed(ImportSummary{OK: 3, Earlier: 2}) {
		t.Error("ImportFailed")
	}
}
