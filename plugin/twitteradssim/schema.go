package twitteradssim

// entity is one API object as it is marshalled. Maps are never changed
// after they are stored: an update stores a changed copy.
type entity map[string]any

func (e entity) clone() entity {
	c := make(entity, len(e))
	for k, v := range e {
		c[k] = v
	}
	return c
}

func (e entity) deleted() bool { d, _ := e["deleted"].(bool); return d }

type fieldType int

const (
	tString fieldType = iota
	tInt
	tMicro
	tBool
	tEnum
	tEnumList
	tTime
	tRef
)

// field describes one writable parameter of an entity.
type field struct {
	name     string
	typ      fieldType
	enum     []string
	ref      kind
	required bool // on create
	def      any  // value on create when absent
	update   bool // PUT may change it
	unset    bool // PUT with an empty value sets it to null
	max      int  // longest string, largest int
}

// spec describes an entity kind: its routes, parameters and parent.
type spec struct {
	kind        kind
	label       string // "campaign", for messages
	plural      string // route segment: "campaigns"
	idParam     string // "campaign_id"
	idsParam    string // "campaign_ids"
	parent      *spec
	parentField string // "campaign_id"
	create      bool
	update      bool
	del         bool
	fields      []field
}

var (
	entityStatuses = []string{"ACTIVE", "PAUSED", "DRAFT"}
	objectives     = []string{"APP_ENGAGEMENTS", "APP_INSTALLS", "REACH", "FOLLOWERS", "ENGAGEMENTS",
		"VIDEO_VIEWS", "PREROLL_VIEWS", "WEBSITE_CLICKS", "WEBSITE_CONVERSIONS"}
	placementValues = []string{"ALL_ON_TWITTER", "PUBLISHER_NETWORK", "TAP_BANNER", "TAP_FULL",
		"TAP_FULL_LANDSCAPE", "TAP_NATIVE", "TAP_MRECT", "TWITTER_PROFILE", "TWITTER_REPLIES",
		"TWITTER_SEARCH", "TWITTER_TIMELINE"}
	productTypes = []string{"PROMOTED_TWEETS", "PROMOTED_ACCOUNT", "PROMOTED_TRENDS"}
	bidStrategy  = []string{"AUTO", "MAX", "TARGET"}
	goals        = []string{"APP_CLICKS", "APP_INSTALLS", "ENGAGEMENT", "FOLLOWERS", "LINK_CLICKS",
		"MAX_REACH", "PREROLL", "PREROLL_STARTS", "REACH_WITH_ENGAGEMENT", "SITE_VISITS",
		"VIDEO_VIEW", "VIEW_3S_100PCT", "VIEW_6S", "VIEW_15S", "WEBSITE_CONVERSIONS"}
	payBy = []string{"APP_CLICK", "IMPRESSION", "LINK_CLICK", "ENGAGEMENT", "VIEW", "VIEW_3S_100PCT",
		"VIEW_6S", "VIEW_15S"}
)

var fundingInstrumentSpec = &spec{
	kind: kindFundingInstrument, label: "funding instrument", plural: "funding_instruments",
	idParam: "funding_instrument_id", idsParam: "funding_instrument_ids",
}

var campaignSpec = &spec{
	kind: kindCampaign, label: "campaign", plural: "campaigns",
	idParam: "campaign_id", idsParam: "campaign_ids",
	create: true, update: true, del: true,
	fields: []field{
		{name: "name", typ: tString, required: true, update: true, max: 255},
		{name: "funding_instrument_id", typ: tRef, ref: kindFundingInstrument, required: true},
		{name: "daily_budget_amount_local_micro", typ: tMicro, required: true, update: true},
		{name: "total_budget_amount_local_micro", typ: tMicro, update: true, unset: true},
		{name: "entity_status", typ: tEnum, enum: entityStatuses, def: "ACTIVE", update: true},
		{name: "budget_optimization", typ: tEnum, enum: []string{"CAMPAIGN", "LINE_ITEM"}, def: "CAMPAIGN"},
		{name: "standard_delivery", typ: tBool, def: true, update: true, unset: true},
		{name: "purchase_order_number", typ: tString, update: true, unset: true, max: 50},
		{name: "frequency_cap", typ: tInt, update: true, unset: true, max: 1000},
		{name: "duration_in_days", typ: tInt, enum: []string{"1", "7", "30"}, update: true, unset: true},
	},
}

var lineItemSpec = &spec{
	kind: kindLineItem, label: "line item", plural: "line_items",
	idParam: "line_item_id", idsParam: "line_item_ids",
	parent: campaignSpec, parentField: "campaign_id",
	create: true, update: true, del: true,
	fields: []field{
		{name: "campaign_id", typ: tRef, ref: kindCampaign, required: true},
		{name: "objective", typ: tEnum, enum: objectives, required: true},
		{name: "placements", typ: tEnumList, enum: placementValues, required: true, update: true},
		{name: "product_type", typ: tEnum, enum: productTypes, required: true},
		{name: "name", typ: tString, update: true, unset: true, max: 255},
		{name: "bid_strategy", typ: tEnum, enum: bidStrategy, def: "AUTO", update: true},
		{name: "bid_amount_local_micro", typ: tMicro, update: true, unset: true},
		{name: "goal", typ: tEnum, enum: goals, update: true, unset: true},
		{name: "pay_by", typ: tEnum, enum: payBy, update: true, unset: true},
		{name: "entity_status", typ: tEnum, enum: entityStatuses, def: "ACTIVE", update: true},
		{name: "start_time", typ: tTime, update: true, unset: true},
		{name: "end_time", typ: tTime, update: true, unset: true},
		{name: "total_budget_amount_local_micro", typ: tMicro, update: true, unset: true},
	},
}

// promotedTweetSpec has no generic fields: its create takes line_item_id
// and a list of tweet_ids and makes one entity per tweet.
var promotedTweetSpec = &spec{
	kind: kindPromotedTweet, label: "promoted tweet", plural: "promoted_tweets",
	idParam: "promoted_tweet_id", idsParam: "promoted_tweet_ids",
	parent: lineItemSpec, parentField: "line_item_id",
	create: true, del: true,
}

var entitySpecs = []*spec{campaignSpec, lineItemSpec, promotedTweetSpec, fundingInstrumentSpec}
