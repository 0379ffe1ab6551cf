package twitteradssim

import (
	"fmt"
	"strconv"
	"time"
)

// Seeded entities are computed from (seed, kind, account, position) every
// time they are read and never stored, so an account can hold millions.

const timeFormat = "2006-01-02T15:04:05Z"

// seedEpoch is when the seeded world begins; positions are spread after it.
var seedEpoch = time.Date(2023, 1, 2, 0, 0, 0, 0, time.UTC)

var (
	adjectives = []string{"Spring", "Summer", "Autumn", "Winter", "Evergreen", "Launch", "Holiday",
		"Flash", "Always-on", "Brand", "Retargeting", "Prospecting", "Weekend", "Global", "Local"}
	nouns = []string{"Sale", "Awareness", "Push", "Promo", "Reach", "Engagement", "Video", "App",
		"Followers", "Traffic", "Conversions", "Countdown", "Teaser", "Drop", "Relaunch"}
	industries = []string{"AUTOMOTIVE", "CONSUMER_PACKAGED_GOODS", "EDUCATION", "ENTERTAINMENT",
		"FINANCIAL", "GAMING", "RETAIL", "TECHNOLOGY", "TRAVEL"}
)

// seededDeleted says whether a seeded entity is deleted: every tenth one.
func seededDeleted(pos uint32) bool { return pos%10 == 9 }

func fmtTime(t time.Time) string { return t.UTC().Format(timeFormat) }

// h returns a hash of the entity and a field salt.
func (st *store) h(k kind, acct int, pos uint32, salt uint64) uint64 {
	return hash(st.seed, uint64(k), uint64(acct), uint64(pos), salt)
}

func (st *store) id(k kind, acct int, pos uint32) string {
	return st.codec.encode(ref{kind: k, account: acct, pos: pos})
}

func (st *store) times(k kind, acct int, pos uint32) (created, updated time.Time) {
	created = seedEpoch.Add(time.Duration(acct)*time.Hour + time.Duration(pos)*17*time.Second +
		time.Duration(k)*time.Minute)
	updated = created.Add(time.Duration(st.h(k, acct, pos, 1)%(30*24*3600)) * time.Second)
	return created, updated
}

func (st *store) seeded(k kind, acct int, pos uint32) entity {
	switch k {
	case kindAccount: // accounts are listed by index: the position is the account
		return st.seedAccount(int(pos))
	case kindCampaign:
		return st.seedCampaign(acct, pos)
	case kindLineItem:
		return st.seedLineItem(acct, pos)
	case kindPromotedTweet:
		return st.seedPromotedTweet(acct, pos)
	case kindFundingInstrument:
		return st.seedFundingInstrument(acct, pos)
	}
	return nil
}

func (st *store) base(k kind, acct int, pos uint32) entity {
	created, updated := st.times(k, acct, pos)
	e := entity{
		"id":         st.id(k, acct, pos),
		"created_at": fmtTime(created),
		"updated_at": fmtTime(updated),
		"deleted":    seededDeleted(pos),
	}
	if k != kindAccount {
		e["account_id"] = st.id(kindAccount, acct, 0)
	}
	return e
}

func (st *store) seedAccount(acct int) entity {
	e := st.base(kindAccount, acct, uint32(acct))
	e["id"] = st.id(kindAccount, acct, 0)
	e["deleted"] = seededDeleted(uint32(acct))
	e["name"] = fmt.Sprintf("Sim Ads Account %d", acct+1)
	e["business_name"] = nil
	e["business_id"] = nil
	e["timezone"] = "America/Los_Angeles"
	e["timezone_switch_at"] = e["created_at"]
	e["industry_type"] = industries[st.h(kindAccount, acct, 0, 2)%uint64(len(industries))]
	e["approval_status"] = "ACCEPTED"
	e["salt"] = strconv.FormatUint(st.h(kindAccount, acct, 0, 3), 16)
	return e
}

func (st *store) seedFundingInstrument(acct int, pos uint32) entity {
	e := st.base(kindFundingInstrument, acct, pos)
	h := st.h(kindFundingInstrument, acct, pos, 2)
	if h%3 == 0 {
		e["type"] = "INSERTION_ORDER"
		e["description"] = fmt.Sprintf("Insertion order %d", pos+1)
		e["io_header"] = strconv.FormatUint(h%1_000_000, 10)
	} else {
		e["type"] = "CREDIT_CARD"
		e["description"] = fmt.Sprintf("Visa ending in %04d", h%10000)
		e["io_header"] = nil
	}
	e["currency"] = "USD"
	e["credit_limit_local_micro"] = int64(10_000+h%90_000) * 1_000_000
	e["funded_amount_local_micro"] = int64(h%10_000) * 1_000_000
	e["entity_status"] = "ACTIVE"
	e["able_to_fund"] = !seededDeleted(pos)
	e["reasons_not_able_to_fund"] = []string{}
	e["cancelled"] = false
	e["paused"] = false
	e["start_time"] = e["created_at"]
	e["end_time"] = nil
	return e
}

// seededFundingInstrument picks the funding instrument of a seeded
// campaign, never a deleted one.
func (st *store) seededFundingInstrument(acct int, pos uint32) uint32 {
	fi := pos % uint32(st.sz.fundingInstruments)
	if seededDeleted(fi) {
		fi = 0
	}
	return fi
}

func (st *store) seedCampaign(acct int, pos uint32) entity {
	e := st.base(kindCampaign, acct, pos)
	h := st.h(kindCampaign, acct, pos, 2)
	e["name"] = fmt.Sprintf("%s %s %d", adjectives[h%uint64(len(adjectives))],
		nouns[(h>>8)%uint64(len(nouns))], pos+1)
	e["funding_instrument_id"] = st.id(kindFundingInstrument, acct, st.seededFundingInstrument(acct, pos))
	status := entityStatuses[0]
	switch {
	case (h>>16)%10 >= 9:
		status = "DRAFT"
	case (h>>16)%10 >= 7:
		status = "PAUSED"
	}
	e["entity_status"] = status
	e["daily_budget_amount_local_micro"] = int64(5+(h>>24)%495) * 1_000_000
	if (h>>32)%2 == 0 {
		e["total_budget_amount_local_micro"] = int64(1000+(h>>33)%99_000) * 1_000_000
	} else {
		e["total_budget_amount_local_micro"] = nil
	}
	e["budget_optimization"] = "CAMPAIGN"
	e["standard_delivery"] = (h>>40)%4 != 0
	e["purchase_order_number"] = nil
	e["frequency_cap"] = nil
	e["duration_in_days"] = nil
	e["currency"] = "USD"
	servable(e)
	return e
}

// servable fills the derived servable fields from entity_status.
func servable(e entity) {
	switch e["entity_status"] {
	case "ACTIVE":
		e["servable"] = !e.deleted()
		e["reasons_not_servable"] = []string{}
	case "PAUSED":
		e["servable"] = false
		e["reasons_not_servable"] = []string{"PAUSED_BY_ADVERTISER"}
	default:
		e["servable"] = false
		e["reasons_not_servable"] = []string{"DRAFT"}
	}
	if e.deleted() {
		e["reasons_not_servable"] = []string{"DELETED"}
	}
}

func (st *store) seedLineItem(acct int, pos uint32) entity {
	e := st.base(kindLineItem, acct, pos)
	h := st.h(kindLineItem, acct, pos, 2)
	camp := pos / uint32(st.sz.lineItems)
	e["campaign_id"] = st.id(kindCampaign, acct, camp)
	e["name"] = fmt.Sprintf("Line item %d", pos+1)
	e["objective"] = objectives[h%uint64(len(objectives))]
	e["product_type"] = "PROMOTED_TWEETS"
	if (h>>8)%3 == 0 {
		e["placements"] = []string{"TWITTER_TIMELINE"}
	} else {
		e["placements"] = []string{"ALL_ON_TWITTER"}
	}
	if (h>>12)%2 == 0 {
		e["bid_strategy"] = "AUTO"
		e["bid_amount_local_micro"] = nil
	} else {
		e["bid_strategy"] = "MAX"
		e["bid_amount_local_micro"] = int64(100_000 + (h>>16)%50*10_000)
	}
	e["goal"] = nil
	e["pay_by"] = "IMPRESSION"
	e["entity_status"] = entityStatuses[(h>>24)%2]
	e["start_time"] = e["created_at"]
	e["end_time"] = nil
	e["total_budget_amount_local_micro"] = nil
	e["currency"] = "USD"
	return e
}

func (st *store) seedPromotedTweet(acct int, pos uint32) entity {
	e := st.base(kindPromotedTweet, acct, pos)
	li := pos / uint32(st.sz.promotedTweets)
	e["line_item_id"] = st.id(kindLineItem, acct, li)
	e["tweet_id"] = strconv.FormatUint(1_500_000_000_000_000_000+st.h(kindPromotedTweet, acct, pos, 2)%
		200_000_000_000_000_000, 10)
	e["entity_status"] = "ACTIVE"
	e["approval_status"] = "ACCEPTED"
	return e
}
