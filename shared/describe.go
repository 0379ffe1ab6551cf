package shared

import (
	"context"
	"errors"
	"time"

	"github.com/openintegrator/integrator/schema"
)

// Describer is implemented by a connector that tells the host's flows how
// its API works: how its lists page, and its async reports. The host's
// flows know no API but through it.
type Describer interface {
	// Describe answers for the given settings, without touching the
	// network.
	Describe(ctx context.Context, cfg schema.Config) (Description, error)
}

// ErrUnsupported is wrapped by the error of a call the plugin does not
// offer (it was built before the call existed, or its connector lacks the
// capability).
var ErrUnsupported = errors.New("the plugin does not offer this call")

// Description is what Describe answers.
type Description struct {
	Paging      *Paging  // nil: the connector pages no list
	Reports     *Reports // nil: its API has no async reports
	Diagnostics schema.Diagnostics
}

// PagingStyle is how a list endpoint hands out its pages.
type PagingStyle int

// The paging styles.
const (
	PagingNone       PagingStyle = iota + 1 // one answer holds the whole list
	PagingCursor                            // the answer names the next cursor
	PagingNextURL                           // the answer holds the next page's URL
	PagingPage                              // pages are numbered
	PagingLinkHeader                        // a Link header with rel="next" (RFC 8288)
)

func (s PagingStyle) String() string {
	switch s {
	case PagingNone:
		return "none"
	case PagingCursor:
		return "cursor"
	case PagingNextURL:
		return "next_url"
	case PagingPage:
		return "page"
	case PagingLinkHeader:
		return "link_header"
	}
	return "unspecified"
}

// Paging says how the API's list endpoints page. Fields name the
// answer's top-level JSON fields and the request's query parameters.
type Paging struct {
	Style           PagingStyle
	RecordsField    string // the field holding a page's records
	CursorParam     string // PagingCursor: the parameter carrying the cursor
	NextCursorField string // PagingCursor: the field with the next cursor (null or absent: last page)
	NextURLField    string // PagingNextURL: the field with the next page's URL
	PageParam       string // PagingPage: the page number's parameter
	FirstPage       int64  // PagingPage: the first page's number
	PageSizeParam   string // PagingPage: the page size's parameter, if any
	TotalField      string // the field with the whole list's count, if the API gives it
	TotalParam      *Param // the parameter that asks for the total (first request only), if any
}

// Reports describes an API's async reports: what one job may cover.
type Reports struct {
	MaxWindow          time.Duration // one job's time window
	MaxSegmentedWindow time.Duration // ... when segmented
	MaxIDs             int           // entity ids per job
	MaxProcessingJobs  int           // jobs one account may have processing
	MaxPollIDs         int           // job ids per poll
	Granularities      []string      // the first is the default
	DefaultPlacement   string
}
