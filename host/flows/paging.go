package flows

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/openintegrator/integrator/shared"
)

// ErrNoPaging means the connector does not say how its lists page, so no
// export can run through it.
var ErrNoPaging = errors.New("the connector does not say how its API's lists page")

// resolvePaging asks the connector how its lists page, and applies the
// export's own records field when it names one.
func (x *Export) resolvePaging(ctx context.Context) error {
	d, err := describe(ctx, x.Plugin, ErrNoPaging)
	if err != nil {
		return err
	}
	if d.Paging == nil {
		return ErrNoPaging
	}
	p := *d.Paging
	if x.RecordsField != "" {
		p.RecordsField = x.RecordsField
	}
	if err := checkPaging(p); err != nil {
		return err
	}
	x.RecordsField = p.RecordsField
	x.pages.paging = p
	return nil
}

// checkPaging refuses a description the export cannot follow.
func checkPaging(p shared.Paging) error {
	var missing []string
	need := func(v, what string) {
		if v == "" {
			missing = append(missing, what)
		}
	}
	need(p.RecordsField, "the records field")
	switch p.Style {
	case shared.PagingCursor:
		need(p.CursorParam, "the cursor parameter")
		need(p.NextCursorField, "the next cursor's field")
	case shared.PagingNextURL:
		need(p.NextURLField, "the next URL's field")
	case shared.PagingPage:
		need(p.PageParam, "the page parameter")
	case shared.PagingNone, shared.PagingLinkHeader:
	default:
		return fmt.Errorf("the connector describes paging of an unknown style (%d): upgrade integrator", p.Style)
	}
	if len(missing) > 0 {
		return fmt.Errorf("the connector's paging (%s) names no %s", p.Style, strings.Join(missing, ", "))
	}
	return nil
}

// fields are the answer's fields a page is read by.
func (pf *pageFetcher) fields() pageFields {
	p := pf.paging
	f := pageFields{records: p.RecordsField, total: p.TotalField}
	switch p.Style {
	case shared.PagingCursor:
		f.next = p.NextCursorField
	case shared.PagingNextURL:
		f.next = p.NextURLField
	}
	return f
}

// request is the request of the page at cursor (nil: the first page): a
// cursor, a next page's URL or a page number, by the paging style.
func (pf *pageFetcher) request(cursor *string) shared.Request {
	x, p := pf.x, pf.paging
	req := shared.Request{Method: http.MethodGet, URL: x.Path, MaxAttempts: pf.connectorAttempts}
	req.Query = append(req.Query, x.Params...)
	if cursor == nil {
		if p.Style == shared.PagingPage {
			req.Query = append(req.Query, shared.Param{Key: p.PageParam, Value: strconv.FormatInt(p.FirstPage, 10)})
		}
		return req
	}
	switch p.Style {
	case shared.PagingCursor:
		req.Query = append(req.Query, shared.Param{Key: p.CursorParam, Value: *cursor})
	case shared.PagingPage:
		req.Query = append(req.Query, shared.Param{Key: p.PageParam, Value: *cursor})
	case shared.PagingNextURL, shared.PagingLinkHeader:
		req.URL, req.Query = *cursor, nil // the API's URL carries the parameters
	}
	return req
}

// totalParam is the parameter that asks for the total count, unless the
// export's own parameters name it.
func (pf *pageFetcher) totalParam() *shared.Param {
	tp := pf.paging.TotalParam
	if tp == nil || hasParam(pf.x.Params, tp.Key) {
		return nil
	}
	return tp
}

// settle fills in where the page after pg is, for the styles that do not
// read it from a field of the answer.
func (pf *pageFetcher) settle(cursor *string, pg *page, h shared.ResponseHead) {
	p := pf.paging
	switch p.Style {
	case shared.PagingNone:
		pg.next = nil
	case shared.PagingLinkHeader:
		pg.next = nil
		if u := nextLinkOf(h); u != "" {
			pg.next = &u
		}
	case shared.PagingPage:
		pg.next = nil
		if pg.records == 0 || pg.records < pf.pageSize() {
			return // an empty or short page is the last
		}
		n := p.FirstPage
		if cursor != nil {
			n, _ = strconv.ParseInt(*cursor, 10, 64)
		}
		next := strconv.FormatInt(n+1, 10)
		pg.next = &next
	}
}

// pageSize is the page size the export asks for, 0 when it names none.
func (pf *pageFetcher) pageSize() int64 {
	if pf.paging.PageSizeParam == "" {
		return 0
	}
	for _, q := range pf.x.Params {
		if q.Key == pf.paging.PageSizeParam {
			n, _ := strconv.ParseInt(q.Value, 10, 64)
			return n
		}
	}
	return 0
}

// describe asks the connector how its API works; a plugin that does not
// say, or whose settings keep it from saying, gives an error wrapping
// none.
func describe(ctx context.Context, p *Plugin, none error) (shared.Description, error) {
	d, err := p.Describe(ctx)
	switch {
	case errors.Is(err, shared.ErrUnsupported):
		return d, fmt.Errorf("%w: its plugin predates that, or its API has none (upgrade the plugin)", none)
	case err != nil:
		return d, err
	case d.Diagnostics.HasError():
		var errs []error
		for _, diag := range d.Diagnostics {
			errs = append(errs, diag)
		}
		return d, fmt.Errorf("%w: the connection's settings keep the connector from saying: %w", none, errors.Join(errs...))
	}
	return d, nil
}
