package twitteradssim

import (
	"net/http"
	"slices"
	"strings"
	"time"
)

// statsQuery is a parsed analytics request (sync or async).
type statsQuery struct {
	entity       string
	kind         kind
	ids          []string
	start, end   time.Time
	granularity  string
	placement    string
	groups       []string
	segmentation string
}

var (
	statsEntities = map[string]kind{
		"ACCOUNT": kindAccount, "CAMPAIGN": kindCampaign, "LINE_ITEM": kindLineItem,
		"PROMOTED_TWEET": kindPromotedTweet, "FUNDING_INSTRUMENT": kindFundingInstrument,
	}
	granularities = []string{"DAY", "HOUR", "TOTAL"}
	placements    = []string{"ALL_ON_TWITTER", "PUBLISHER_NETWORK", "SPOTLIGHT", "TREND"}
)

const maxStatsIDs = 20

// parseStats reads and checks the analytics parameters; maxWindow is 7
// days for sync requests and 90 for jobs.
func (c *call) parseStats(maxWindow time.Duration) (statsQuery, *httpError) {
	var q statsQuery
	p := c.params
	for _, name := range []string{"entity", "entity_ids", "start_time", "end_time", "granularity", "placement", "metric_groups"} {
		if strings.TrimSpace(p.Get(name)) == "" {
			return q, missing(name)
		}
	}
	q.entity = p.Get("entity")
	k, ok := statsEntities[q.entity]
	if !ok {
		return q, invalid("entity", "entity must be one of ACCOUNT, CAMPAIGN, FUNDING_INSTRUMENT, LINE_ITEM, PROMOTED_TWEET")
	}
	q.kind = k
	ids, herr := splitIDs(p, "entity_ids", maxStatsIDs)
	if herr != nil {
		return q, herr
	}
	st := c.s.store
	st.mu.Lock()
	for _, id := range ids {
		if k == kindAccount {
			ok = id == c.accountID()
		} else {
			_, _, ok = st.lookupLocked(k, c.account, id)
		}
		if !ok {
			break
		}
	}
	st.mu.Unlock()
	if !ok {
		return q, invalid("entity_ids", "entity_ids must name %s entities of account %s", q.entity, c.accountID())
	}
	q.ids = slices.Compact(ids)
	var err error
	if q.start, err = parseTime(p.Get("start_time")); err != nil {
		return q, invalid("start_time", "start_time must be an ISO 8601 time")
	}
	if q.end, err = parseTime(p.Get("end_time")); err != nil {
		return q, invalid("end_time", "end_time must be an ISO 8601 time")
	}
	if q.start.Truncate(time.Hour) != q.start || q.end.Truncate(time.Hour) != q.end {
		return q, invalid("start_time", "start_time and end_time must be whole hours")
	}
	if !q.end.After(q.start) {
		return q, paramError(CodeInvalidTimeWindow, "end_time", "end_time must be after start_time")
	}
	if q.end.Sub(q.start) > maxWindow {
		return q, paramError(CodeInvalidTimeWindow, "end_time",
			"the time window must not be longer than %d days", int(maxWindow/(24*time.Hour)))
	}
	q.granularity = p.Get("granularity")
	if !slices.Contains(granularities, q.granularity) {
		return q, invalid("granularity", "granularity must be DAY, HOUR or TOTAL")
	}
	q.placement = p.Get("placement")
	if !slices.Contains(placements, q.placement) {
		return q, invalid("placement", "placement must be one of %s", strings.Join(placements, ", "))
	}
	for _, g := range strings.Split(p.Get("metric_groups"), ",") {
		g = strings.TrimSpace(g)
		if _, ok := metricGroups[g]; !ok {
			return q, invalid("metric_groups", "unknown metric group %q", g)
		}
		if !slices.Contains(q.groups, g) {
			q.groups = append(q.groups, g)
		}
	}
	return q, nil
}

// seriesLength is the number of values in each metric's time series.
func (q statsQuery) seriesLength() int {
	hours := int(q.end.Sub(q.start) / time.Hour)
	switch q.granularity {
	case "HOUR":
		return hours
	case "DAY":
		return (hours + 23) / 24
	}
	return 1
}

func (q statsQuery) echo() map[string]any {
	return map[string]any{
		"entity": q.entity, "entity_ids": q.ids, "granularity": q.granularity, "placement": q.placement,
		"start_time": fmtTime(q.start), "end_time": fmtTime(q.end), "metric_groups": q.groups,
	}
}

// statsBody is the body of sync stats answers and of job result files.
type statsBody struct {
	DataType         string           `json:"data_type"`
	TimeSeriesLength int              `json:"time_series_length"`
	Data             []map[string]any `json:"data"`
	Request          requestEcho      `json:"request"`
}

func (s *Server) syncStats(c *call) error {
	q, herr := c.parseStats(7 * 24 * time.Hour)
	if herr != nil {
		return herr
	}
	data := make([]map[string]any, len(q.ids))
	for i, id := range q.ids {
		data[i] = s.entityStats(q, id)
	}
	writeJSON(c.w, http.StatusOK, statsBody{DataType: "stats", TimeSeriesLength: q.seriesLength(),
		Data: data, Request: requestEcho{Params: q.echo()}})
	return nil
}
