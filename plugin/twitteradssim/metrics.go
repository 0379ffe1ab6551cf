package twitteradssim

import "time"

// Metrics are deterministic: each entity has hourly impressions derived
// from (seed, entity id, hour, placement), every other metric is a noisy
// fraction of them, and coarser granularities are sums of hours. So DAY
// and TOTAL agree with HOUR, and equal requests get equal numbers.

// metric is one metric of a group. rate is per mille of impressions;
// parts, when set, make the metric an object of series (conversions).
type metric struct {
	name  string
	rate  uint64
	parts []string
}

var (
	webParts    = []string{"metric", "order_quantity", "sale_amount", "post_view", "post_engagement"}
	mobileParts = []string{"post_view", "post_engagement", "assisted"}
)

var metricGroups = map[string][]metric{
	"ENGAGEMENT": {
		{name: "impressions", rate: 1000}, {name: "engagements", rate: 40}, {name: "clicks", rate: 15},
		{name: "url_clicks", rate: 8}, {name: "app_clicks", rate: 2}, {name: "retweets", rate: 3},
		{name: "likes", rate: 10}, {name: "replies", rate: 1}, {name: "follows", rate: 1},
		{name: "qualified_impressions", rate: 900}, {name: "card_engagements", rate: 5},
		{name: "carousel_swipes", rate: 1}, {name: "tweets_send", rate: 1}, {name: "poll_card_vote", rate: 1},
	},
	"BILLING": {
		{name: "billed_engagements", rate: 20}, {name: "billed_charge_local_micro", rate: 3_000_000},
	},
	"VIDEO": {
		{name: "video_total_views", rate: 300}, {name: "video_views_25", rate: 250},
		{name: "video_views_50", rate: 180}, {name: "video_views_75", rate: 120},
		{name: "video_views_100", rate: 80}, {name: "video_cta_clicks", rate: 4},
		{name: "video_content_starts", rate: 320}, {name: "video_3s100pct_views", rate: 150},
		{name: "video_6s_views", rate: 110}, {name: "video_15s_views", rate: 60},
	},
	"MEDIA": {{name: "media_views", rate: 400}, {name: "media_engagements", rate: 30}},
	"WEB_CONVERSION": {
		{name: "conversion_purchases", rate: 2, parts: webParts},
		{name: "conversion_sign_ups", rate: 3, parts: webParts},
		{name: "conversion_site_visits", rate: 10, parts: webParts},
	},
	"MOBILE_CONVERSION": {
		{name: "mobile_conversion_installs", rate: 3, parts: mobileParts},
		{name: "mobile_conversion_purchases", rate: 1, parts: mobileParts},
	},
	"LIFE_TIME_VALUE_MOBILE_CONVERSION": {
		{name: "mobile_conversion_lifetime_value_purchases", rate: 1, parts: mobileParts},
	},
}

// diurnal weights impressions by hour of day (percent).
var diurnal = [24]uint64{30, 20, 15, 10, 10, 15, 30, 60, 90, 110, 120, 125,
	130, 125, 120, 115, 115, 120, 130, 140, 135, 110, 80, 50}

var placementShare = map[string]uint64{"ALL_ON_TWITTER": 100, "PUBLISHER_NETWORK": 20, "SPOTLIGHT": 5, "TREND": 5}

// entityStats computes one element of a stats answer's data array.
func (s *Server) entityStats(q statsQuery, id string) map[string]any {
	eh := hash(uint64(s.cfg.seed), hashString(id))
	hours := int(q.end.Sub(q.start) / time.Hour)
	first := uint64(q.start.Unix() / 3600)
	base := 20 + eh%400
	share := placementShare[q.placement]
	impressions := make([]uint64, hours)
	for i := range impressions {
		h := first + uint64(i)
		noise := 80 + hash(eh, h, hashString(q.placement))%40
		impressions[i] = base * diurnal[h%24] * noise * share / 1_000_000
	}
	n := q.seriesLength()
	bucketOf := func(i int) int {
		switch q.granularity {
		case "HOUR":
			return i
		case "DAY":
			return i / 24
		}
		return 0
	}
	series := func(name string, rate uint64, part int) []int64 {
		out := make([]int64, n)
		salt := hash(hashString(name), uint64(part))
		for i, imp := range impressions {
			v := imp
			if rate != 1000 || part > 0 {
				v = imp * rate * (750 + hash(eh, salt, first+uint64(i))%500) / 1_000_000
			}
			out[bucketOf(i)] += int64(v)
		}
		return out
	}
	metrics := map[string]any{}
	for _, g := range q.groups {
		for _, m := range metricGroups[g] {
			if m.parts == nil {
				metrics[m.name] = series(m.name, m.rate, 0)
				continue
			}
			obj := map[string]any{}
			for j, p := range m.parts {
				obj[p] = series(m.name, m.rate, j+1)
			}
			metrics[m.name] = obj
		}
	}
	return map[string]any{
		"id":      id,
		"id_data": []map[string]any{{"segment": nil, "metrics": metrics}},
	}
}
