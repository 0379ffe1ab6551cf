package flows

import (
	"strings"
	"testing"
	"time"
)

// The checks a front end runs before it starts a run in the background
// find the problems Run would refuse the options for before it starts,
// each apart and with its option named in the front end's words.
func TestCheckOptions(t *testing.T) {
	label := func(name string) string { return "[" + name + "]" }
	problems := func(err error) []string {
		if err == nil {
			return nil
		}
		return strings.Split(err.Error(), "\n")
	}
	if err := CheckImport(ImportOptions{Method: "POST", PathTemplate: "accounts/{account_id}/campaigns"}, label); err != nil {
		t.Errorf("a good import: %v", err)
	}
	got := problems(CheckImport(ImportOptions{Method: "POST", PathTemplate: "accounts/{account_id/campaigns", As: "xml"}, label))
	want := []string{`[as] "xml": use query, form or json`, `path template "accounts/{account_id/campaigns": a { without }`}
	if len(got) != len(want) {
		t.Fatalf("problems of a bad import: %q", got)
	}
	for i, w := range want {
		if !strings.Contains(got[i], w) {
			t.Errorf("problem %d: %q, want it to name %q", i, got[i], w)
		}
	}

	day := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	good := ReportOptions{Account: "a1", Entity: "campaign", IDs: []string{"c1"}, Start: day, End: day.AddDate(0, 0, 7), Metrics: []string{"engagement"}}
	if err := CheckReport(good, label); err != nil {
		t.Errorf("a good report: %v", err)
	}
	got = problems(CheckReport(ReportOptions{Start: day, End: day}, label))
	want = []string{"[account] is required", "[entity] is required", "[ids] needs", "[end] must be after [start]", "[metrics] needs"}
	if len(got) != len(want) {
		t.Fatalf("problems of a bad report: %q", got)
	}
	for i, w := range want {
		if !strings.Contains(got[i], w) {
			t.Errorf("problem %d: %q, want %q", i, got[i], w)
		}
	}
}
