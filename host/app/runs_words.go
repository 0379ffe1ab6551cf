package app

import (
	"fmt"
	"strings"

	"github.com/openintegrator/integrator/shared"
)

// What every front end says of a run's inputs and outcomes, in one place.

// ParamError is a request parameter that is not written KEY=VALUE.
type ParamError struct{ Param string }

func (e *ParamError) Error() string { return fmt.Sprintf("%q: write it as KEY=VALUE", e.Param) }

// ParseParams reads request parameters written KEY=VALUE, keeping their
// order; the first one written otherwise is a *ParamError.
func ParseParams(kvs []string) ([]shared.Param, error) {
	var ps []shared.Param
	for _, kv := range kvs {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, &ParamError{Param: kv}
		}
		ps = append(ps, shared.Param{Key: k, Value: v})
	}
	return ps, nil
}

// SplitList reads values that are comma-separated, repeated, or both,
// dropping spaces around them and empty ones.
func SplitList(values ...string) []string {
	var out []string
	for _, v := range values {
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

// DescribeExport says what an export did: "Exported 30 records in 3 pages
// to /data/c.jsonl (resumed)".
func DescribeExport(sum ExportSummary) string {
	what := fmt.Sprintf("Exported %s in %s", plural(int(sum.Records), "record"), plural(int(sum.Pages), "page"))
	if sum.Out != "-" && sum.Out != "" {
		what += " to " + sum.Out
	}
	if sum.Resumed {
		what += " (resumed)"
	}
	if sum.Restarts > 0 {
		what += fmt.Sprintf(" (the plugin was restarted %d times)", sum.Restarts)
	}
	return what
}

// InvalidUTF8Warning is the warning for an export whose records hold bytes
// that are not valid UTF-8, or "" when none do.
func InvalidUTF8Warning(sum ExportSummary) string {
	if sum.InvalidUTF8 == 0 {
		return ""
	}
	return fmt.Sprintf("%d of the records this run exported hold bytes that are not valid UTF-8; they are kept as the API sent them, byte for byte", sum.InvalidUTF8)
}

// DescribeImport says what an import did: "Imported 3 records: 2 ok, 1
// failed, 0 unknown"; optionName words its options (see Flow.OptionName).
func DescribeImport(sum ImportSummary, optionName func(string) string) string {
	again := optionWords(optionName)("again")
	line := fmt.Sprintf("Imported %s: %d ok, %d failed, %d unknown", plural(int(sum.Records), "record"), sum.OK, sum.Failed, sum.Unknown)
	if sum.Earlier > 0 && sum.Earlier == sum.Records {
		line = fmt.Sprintf("Nothing sent: all %s were done before, skipped (%s sends them)", plural(int(sum.Records), "record"), again)
		if sum.Records == 1 {
			line = fmt.Sprintf("Nothing sent: the 1 record was done before, skipped (%s sends it)", again)
		}
	} else if sum.Earlier > 0 {
		line += fmt.Sprintf("; %s done before, skipped", plural(int(sum.Earlier), "record"))
		if sum.EarlierUnknown > 0 {
			line += fmt.Sprintf(" (%d of them with an unknown outcome)", sum.EarlierUnknown)
		}
	}
	if sum.Restarts > 0 {
		line += fmt.Sprintf(" (the plugin was restarted %d times)", sum.Restarts)
	}
	return line
}

// ImportFailed reports whether an import leaves records that failed or
// whose outcome is unknown (earlier unknown ones included).
func ImportFailed(sum ImportSummary) bool { return sum.Failed+sum.Unknown+sum.EarlierUnknown > 0 }

// UnknownOutcomeAdvice is what to do about records with an unknown outcome.
func UnknownOutcomeAdvice(optionName func(string) string) string {
	return fmt.Sprintf("Records with an unknown outcome may have been applied: check before sending them again (with %s).", optionWords(optionName)("again"))
}

// DescribeReport says what a report did: "Report complete: 12 rows from 2
// jobs (resumed)".
func DescribeReport(sum ReportSummary) string {
	jobs := "jobs"
	if sum.Jobs == 1 {
		jobs = "job"
	}
	resumed := ""
	if sum.Resumed {
		resumed = " (resumed)"
	}
	return fmt.Sprintf("Report complete: %d rows from %d %s%s", sum.Rows, sum.Jobs, jobs, resumed)
}

// optionWords returns optionName, or, when it is nil, a function that
// names an option by its name, quoted (as the flows do).
func optionWords(optionName func(string) string) func(string) string {
	if optionName != nil {
		return optionName
	}
	return func(name string) string { return `"` + name + `"` }
}
