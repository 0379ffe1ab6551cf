package twitterads

import (
	"context"
	"time"

	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

var _ shared.Describer = (*Connector)(nil)

// The limits of the X Ads API's async analytics (stats jobs).
const (
	maxPollIDs       = 200 // job ids per status request
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
