package flows

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/openintegrator/integrator/shared"
)

// jobSpec is one async job of a report: a window and a group of ids.
type jobSpec struct {
	ids        []string
	start, end time.Time
}

// planJobs splits a report into jobs within the API's limits, window by
// window and, in each window, id group by id group.
func planJobs(ids []string, start, end time.Time, segmented bool, api shared.Reports) []jobSpec {
	window := api.MaxWindow
	if segmented {
		window = api.MaxSegmentedWindow
	}
	per := api.MaxIDs
	var jobs []jobSpec
	for from := start; from.Before(end); from = from.Add(window) {
		to := from.Add(window)
		if to.After(end) {
			to = end
		}
		for i := 0; i < len(ids); i += per {
			jobs = append(jobs, jobSpec{ids: ids[i:min(i+per, len(ids))], start: from, end: to})
		}
	}
	return jobs
}

// ErrNoReports means the connector offers no async reports.
var ErrNoReports = errors.New("the connector offers no async reports")

// describe asks the connector for its API's report limits, and checks
// and completes what depends on them: the granularity, the placement, the
// cap of jobs processing.
func (r *Report) describe(ctx context.Context) error {
	d, err := describe(ctx, r.Plugin, ErrNoReports)
	if err != nil {
		return err
	}
	if d.Reports == nil {
		return ErrNoReports
	}
	api := *d.Reports
	if api.MaxWindow <= 0 || api.MaxIDs <= 0 || api.MaxProcessingJobs <= 0 {
		return fmt.Errorf("the connector declares report limits this integrator cannot plan with (window %s, %d ids, %d jobs)", api.MaxWindow, api.MaxIDs, api.MaxProcessingJobs)
	}
	if api.MaxSegmentedWindow <= 0 {
		api.MaxSegmentedWindow = api.MaxWindow
	}
	r.api = api
	var errs []error
	switch {
	case r.Granularity == "" && len(api.Granularities) > 0:
		r.Granularity = api.Granularities[0]
	case len(api.Granularities) > 0 && !slices.Contains(api.Granularities, r.Granularity):
		errs = append(errs, fmt.Errorf("%s %q: use %s", opt("granularity"), r.Granularity, strings.Join(api.Granularities, ", ")))
	}
	if r.Placement == "" {
		r.Placement = api.DefaultPlacement
	}
	if r.MaxJobs == 0 {
		r.MaxJobs = api.MaxProcessingJobs
	}
	if r.MaxJobs < 1 || r.MaxJobs > api.MaxProcessingJobs {
		errs = append(errs, fmt.Errorf("%s %d: use 1 to %d (the most the API allows)", opt("max-jobs"), r.MaxJobs, api.MaxProcessingJobs))
	}
	return errors.Join(errs...)
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
		errs = append(errs, errors.New("⟪account⟫ is required"))
	}
	if r.Entity == "" {
		errs = append(errs, errors.New("⟪entity⟫ is required"))
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
		errs = append(errs, errors.New("⟪ids⟫ needs at least one id"))
	}
	switch {
	case r.Start.IsZero() || r.End.IsZero():
		errs = append(errs, errors.New("⟪start⟫ and ⟪end⟫ are required"))
	case !r.End.After(r.Start):
		errs = append(errs, errors.New("⟪end⟫ must be after ⟪start⟫"))
	case r.Start.Truncate(time.Hour) != r.Start || r.End.Truncate(time.Hour) != r.End:
		errs = append(errs, errors.New("⟪start⟫ and ⟪end⟫ must be whole hours (the API's rule)"))
	}
	r.Granularity = strings.ToUpper(r.Granularity)
	var metrics []string
	for _, m := range r.Metrics {
		if m = strings.ToUpper(strings.TrimSpace(m)); m != "" {
			metrics = append(metrics, m)
		}
	}
	r.Metrics = metrics
	if len(metrics) == 0 {
		errs = append(errs, errors.New("⟪metrics⟫ needs at least one metric group, such as ENGAGEMENT"))
	}
	r.Placement = strings.ToUpper(r.Placement)
	r.Segment = strings.ToUpper(r.Segment)
	if r.MaxJobs < 0 {
		errs = append(errs, fmt.Errorf("%s %d: use 1 or more", opt("max-jobs"), r.MaxJobs))
	}
	return errors.Join(errs...)
}
