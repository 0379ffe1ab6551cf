package twitterads

import (
	"context"

	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// paging is how the X Ads API's lists page: a cursor in the query, the
// next one in next_cursor (null on the last page), and a total count when
// the first request asks for it with with_total_count=true (the API
// refuses it beside a cursor).
var paging = shared.Paging{
	Style:           shared.PagingCursor,
	RecordsField:    "data",
	CursorParam:     "cursor",
	NextCursorField: "next_cursor",
	TotalField:      "total_count",
	TotalParam:      &shared.Param{Key: "with_total_count", Value: "true"},
}

// Describe tells the host's flows how the X Ads API's lists page.
func (c *Connector) Describe(context.Context, schema.Config) (shared.Description, error) {
	p := paging
	return shared.Description{Paging: &p}, nil
}
