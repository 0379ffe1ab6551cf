package twitterads

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/openintegrator/integrator/shared"
)

// The host's flows learn the X Ads API's paging and report limits from
// Describe: the values host/flows had as constants before issue 12.
func TestDescribe(t *testing.T) {
	got, err := newTestConnector().Describe(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := shared.Description{
		Paging: &shared.Paging{Style: shared.PagingCursor, RecordsField: "data", CursorParam: "cursor", NextCursorField: "next_cursor",
			TotalField: "total_count", TotalParam: &shared.Param{Key: "with_total_count", Value: "true"}},
		Reports: &shared.Reports{MaxWindow: 90 * 24 * time.Hour, MaxSegmentedWindow: 45 * 24 * time.Hour, MaxIDs: 20,
			MaxProcessingJobs: 100, MaxPollIDs: 200, Granularities: []string{"DAY", "HOUR", "TOTAL"}, DefaultPlacement: "ALL_ON_TWITTER"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Describe (-want +got):\n%s", d)
	}
}
