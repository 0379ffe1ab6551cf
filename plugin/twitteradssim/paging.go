package twitteradssim

import (
	"net/http"
	"strconv"
)

const (
	defaultCount = 200
	maxCount     = 1000
	maxIDs       = 200 // longest *_ids filter
)

// page holds the paging parameters of a list request.
type page struct {
	count       int
	from        uint32
	withTotal   bool
	withDeleted bool
}

// pageParams reads count, cursor, with_total_count and with_deleted.
// Cursors are opaque positions tied to the kind of listing.
func (c *call) pageParams(list kind) (page, *httpError) {
	pg := page{count: defaultCount}
	if vs, ok := c.params["count"]; ok {
		n, err := strconv.Atoi(vs[0])
		if err != nil || n < 1 || n > maxCount {
			return pg, invalid("count", "count must be an integer between 1 and %d, got %q", maxCount, vs[0])
		}
		pg.count = n
	}
	cursor := c.params.Get("cursor")
	if cursor != "" {
		pos, ok := c.s.store.codec.parseCursor(list, cursor)
		if !ok {
			return pg, invalid("cursor", "cursor %q is not valid", cursor)
		}
		pg.from = pos
	}
	var herr *httpError
	if pg.withTotal, herr = c.boolParam("with_total_count"); herr != nil {
		return pg, herr
	}
	if pg.withTotal && cursor != "" {
		return pg, paramError(CodeExclusiveParameters, "with_total_count",
			"with_total_count and cursor are mutually exclusive")
	}
	if pg.withDeleted, herr = c.boolParam("with_deleted"); herr != nil {
		return pg, herr
	}
	return pg, nil
}

// list answers a page of entities; more says whether next starts another.
func (c *call) list(k kind, items []entity, next uint32, more bool, total *int) error {
	var nc cursorVal
	if more {
		nc = cursorVal(c.s.store.codec.cursor(k, next))
	}
	if items == nil {
		items = []entity{}
	}
	writeJSON(c.w, http.StatusOK, listBody{Data: items, Request: requestEcho{Params: c.echo()},
		NextCursor: nc, TotalCount: total})
	return nil
}
