package twitteradssim

import (
	"fmt"
	"time"
)

// An Option configures a Server. Options are applied in order.
type Option func(*config)

type config struct {
	addr, downloadAddr string
	seed               int64
	sizes              sizes
	now                func() time.Time
	creds              *Credentials
	extra              []Credentials
	noAccess           *Credentials
	readOnly           []Credentials
	jobDelay           time.Duration
	nullURLPolls       int
	downloadNotFound   int
	limits             RateLimits
	faults             Faults
	maxSkew            time.Duration
	maxNonces          int
	latency            time.Duration
}

// sizes says how much seeded data each account holds.
type sizes struct {
	accounts, campaigns, lineItems, promotedTweets, fundingInstruments int
}

func defaultConfig() config {
	return config{
		addr:         "127.0.0.1:0",
		downloadAddr: "127.0.0.1:0",
		seed:         1,
		sizes: sizes{
			accounts:           2,
			campaigns:          25,
			lineItems:          2,
			promotedTweets:     2,
			fundingInstruments: 2,
		},
		now:              time.Now,
		jobDelay:         2 * time.Second,
		nullURLPolls:     1,
		downloadNotFound: 1,
		limits:           DefaultRateLimits(),
		maxSkew:          5 * time.Minute,
		maxNonces:        1 << 20,
	}
}

func (c *config) validate() error {
	s := c.sizes
	switch {
	case s.accounts < 1 || s.accounts > maxAccount:
		return fmt.Errorf("accounts must be in 1..%d, got %d", maxAccount, s.accounts)
	case s.campaigns < 0 || s.lineItems < 0 || s.promotedTweets < 0 || s.fundingInstruments < 0:
		return fmt.Errorf("data sizes must not be negative")
	case s.fundingInstruments < 1:
		return fmt.Errorf("each account needs at least one funding instrument")
	}
	// Seeded entities and later creates share a 32-bit position space.
	const room = 1 << 31
	li := int64(s.campaigns) * int64(s.lineItems)
	if int64(s.campaigns) > room || li > room || li*int64(s.promotedTweets) > room || s.fundingInstruments > room {
		return fmt.Errorf("data sizes too large: at most %d entities of a kind per account", room)
	}
	if c.latency < 0 {
		return fmt.Errorf("latency must not be negative, got %s", c.latency)
	}
	if c.now == nil {
		return fmt.Errorf("clock must not be nil")
	}
	if err := c.limits.validate(); err != nil {
		return err
	}
	return nil
}

// WithAddr sets the API listener's address (default "127.0.0.1:0").
func WithAddr(addr string) Option { return func(c *config) { c.addr = addr } }

// WithDownloadAddr sets the address of the second listener, the one that
// stands for the report download host (default "127.0.0.1:0").
func WithDownloadAddr(addr string) Option { return func(c *config) { c.downloadAddr = addr } }

// WithSeed sets the seed all generated data, ids and demo credentials
// derive from (default 1). Equal seeds give equal servers.
func WithSeed(seed int64) Option { return func(c *config) { c.seed = seed } }

// WithAccounts sets the number of ads accounts (default 2, at most 65536).
// Every tenth account (index 9, 19, ...) is deleted.
func WithAccounts(n int) Option { return func(c *config) { c.sizes.accounts = n } }

// WithCampaigns sets the number of seeded campaigns per account (default
// 25). Campaigns are computed on demand, so millions cost no memory.
func WithCampaigns(n int) Option { return func(c *config) { c.sizes.campaigns = n } }

// WithLineItemsPerCampaign sets the seeded line items of each campaign (default 2).
func WithLineItemsPerCampaign(n int) Option { return func(c *config) { c.sizes.lineItems = n } }

// WithPromotedTweetsPerLineItem sets the seeded promoted tweets of each line item (default 2).
func WithPromotedTweetsPerLineItem(n int) Option {
	return func(c *config) { c.sizes.promotedTweets = n }
}

// WithFundingInstruments sets the funding instruments per account (default 2, at least 1).
func WithFundingInstruments(n int) Option { return func(c *config) { c.sizes.fundingInstruments = n } }

// WithClock sets the server's clock, used for OAuth timestamps,
// rate-limit windows, stats jobs and created_at/updated_at.
func WithClock(now func() time.Time) Option { return func(c *config) { c.now = now } }

// WithCredentials replaces the generated demo credentials.
func WithCredentials(cr Credentials) Option { return func(c *config) { c.creds = &cr } }

// WithExtraCredentials adds credentials the server accepts besides the demo ones.
func WithExtraCredentials(cr ...Credentials) Option {
	return func(c *config) { c.extra = append(c.extra, cr...) }
}

// WithNoAccessCredentials replaces the generated credentials of an app
// without Ads API access: correctly signed requests with them answer 403
// UNAUTHORIZED_CLIENT_APPLICATION.
func WithNoAccessCredentials(cr Credentials) Option { return func(c *config) { c.noAccess = &cr } }

// WithReadOnlyCredentials adds credentials of a read-only app: their GETs
// work, their writes answer 403 READONLY_CLIENT_APPLICATION.
func WithReadOnlyCredentials(cr ...Credentials) Option {
	return func(c *config) { c.readOnly = append(c.readOnly, cr...) }
}

// WithStatsJobDelay sets how long (on the server's clock) an async stats
// job stays PROCESSING (default 2s).
func WithStatsJobDelay(d time.Duration) Option { return func(c *config) { c.jobDelay = d } }

// WithNullURLPolls sets how many status polls of a job that reached
// SUCCESS still report "url": null (default 1).
func WithNullURLPolls(n int) Option { return func(c *config) { c.nullURLPolls = n } }

// WithDownloadNotFound sets how many download attempts of each job's
// result answer 404 before the file is served (default 1).
func WithDownloadNotFound(n int) Option { return func(c *config) { c.downloadNotFound = n } }

// WithRateLimits sets the rate-limit budgets (default DefaultRateLimits()).
func WithRateLimits(l RateLimits) Option { return func(c *config) { c.limits = l } }

// WithFaults starts the server with faults switched on; see Server.SetFaults.
func WithFaults(f Faults) Option { return func(c *config) { c.faults = f } }

// WithMaxClockSkew sets how far an oauth_timestamp may be from the
// server's clock (default 5 minutes).
func WithMaxClockSkew(d time.Duration) Option { return func(c *config) { c.maxSkew = d } }

// WithLatency delays every request to the API listener by d before it is
// served (default 0), as the network and the real API's processing would:
// requests wait side by side, not one after another. A client that gives
// up during the wait gets no answer, and nothing is done.
func WithLatency(d time.Duration) Option { return func(c *config) { c.latency = d } }
