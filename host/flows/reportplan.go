package flows

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// The async analytics limits of the X Ads API.
const (
	MaxJobWindow          = 90 * 24 * time.Hour // one job's time window
	MaxSegmentedJobWindow = 45 * 24 * time.Hour // ... when segmented
	MaxJobIDs             = 20                  // entity ids per job
	MaxProcessingJobs     = 100                 // jobs PROCESSING per account
	maxPollIDs            = 200                 // job ids per status request
)

// Granularities of a report.
var Granularities = []string{"DAY", "HOUR", "TOTAL"}

// jobSpec is one async job of a report: a window and a group of ids.
type jobSpec struct {
	ids        []string
	start, end time.Time
}

// planJobs splits a report into jobs within the API's limits, window by
// window and, in each window, id group by id group.
func planJobs(ids []string, start, end time.Time, segmented bool) []jobSpec {
	window := MaxJobWindow
	if segmented {
		window = MaxSegmentedJobWindow
	}
	var jobs []jobSpec
	for from := start; from.Before(end); from = from.Add(window) {
		to := from.Add(window)
		if to.After(end) {
			to = end
		}
		for i := 0; i < len(ids); i += MaxJobIDs {
			jobs = append(jobs, jobSpec{ids: ids[i:min(i+MaxJobIDs, len(ids))], start: from, end: to})
		}
	}
	return jobs
}

// ParseReportTime reads a report's start or end: an RFC 3339 time, or a
// date (midnight UTC), or a date and hour as 2006-01-02T15 or T15:04.
func ParseReportTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04", "2006-01-02T15", time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a time: write 2026-01-31 or 2026-01-31T08:00:00Z", s)
}

// check validates a report's parameters, all problems at once.
func (r *Report) check() error {
	var errs []error
	if r.Account == "" {
		errs = append(errs, errors.New("--account is required"))
	}
	if r.Entity == "" {
		errs = append(errs, errors.New("--entity is required"))
	}
	r.Entity = strings.ToUpper(r.Entity)
	var ids []string
	for _, id := range r.IDs {
		if id = strings.TrimSpace(id); id != "" && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	r.IDs = ids
	if len(ids) == 0 {
		errs = append(errs, errors.New("--ids needs at least one id"))
	}
	switch {
	case r.Start.IsZero() || r.End.IsZero():
		errs = append(errs, errors.New("--start and --end are required"))
	case !r.End.After(r.Start):
		errs = append(errs, errors.New("--end must be after --start"))
	case r.Start.Truncate(time.Hour) != r.Start || r.End.Truncate(time.Hour) != r.End:
		errs = append(errs, errors.New("--start and --end must be whole hours (the API's rule)"))
	}
	r.Granularity = strings.ToUpper(r.Granularity)
	if !slices.Contains(Granularities, r.Granularity) {
		errs = append(errs, fmt.Errorf("--granularity %q: use DAY, HOUR or TOTAL", r.Granularity))
	}
	var metrics []string
	for _, m := range r.Metrics {
		if m = strings.ToUpper(strings.TrimSpace(m)); m != "" {
			metrics = append(metrics, m)
		}
	}
	r.Metrics = metrics
	if len(metrics) == 0 {
		errs = append(errs, errors.New("--metrics needs at least one metric group, such as ENGAGEMENT"))
	}
	if r.Placement == "" {
		r.Placement = "ALL_ON_TWITTER"
	}
	r.Placement = strings.ToUpper(r.Placement)
	r.Segment = strings.ToUpper(r.Segment)
	if r.MaxJobs == 0 {
		r.MaxJobs = MaxProcessingJobs
	}
	if r.MaxJobs < 1 || r.MaxJobs > MaxProcessingJobs {
		errs = append(errs, fmt.Errorf("--max-jobs %d: use 1 to %d", r.MaxJobs, MaxProcessingJobs))
	}
	return errors.Join(errs...)
}
