package httpoauth1

import (
	"io"
	"testing"

	"github.com/openintegrator/integrator/plugin/twitterads"
	"github.com/openintegrator/integrator/plugin/twitteradssim"
	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// simConfig is an http connection to the X Ads API simulator: HMAC-SHA1
// in the header, cursor paging on next_cursor in data.
func simConfig(sim *twitteradssim.Server, kv ...string) schema.Config {
	cr := sim.Credentials
	return set(schema.Config{}, append([]string{KeyBaseURI, sim.URL + "/12", KeySignatureMethod, "HMAC-SHA1",
		KeyConsumerKey, cr.ConsumerKey, KeyConsumerSecret, cr.ConsumerSecret, KeyAccessToken, cr.AccessToken, KeyTokenSecret, cr.TokenSecret,
		KeyPingPath, "accounts", KeyPingErrorPath, "errors.message", KeyPaging, "cursor", KeyRecordsPath, "data", KeyCursorParam, "cursor",
		KeyNextCursorPath, "next_cursor", KeyTotalPath, "total_count", KeyRemainingHeader, "x-rate-limit-remaining",
		KeyResetHeader, "x-rate-limit-reset"}, kv...)...)
}

// TestTheXAdsAPIThroughTheHTTPConnector: configured for the simulator,
// the http connector passes the connection test and answers a list with
// the bytes the Twitter Ads connector gets; the API's errors become
// diagnostics through ping_error_path.
func TestTheXAdsAPIThroughTheHTTPConnector(t *testing.T) {
	sim := twitteradssim.NewServer(twitteradssim.WithCampaigns(30))
	defer sim.Close()
	c := newTestConnector()
	cfg := simConfig(sim)
	if res := ping(t, c, cfg); !res.OK {
		t.Fatalf("Ping: %v", res.Diagnostics)
	}
	req := shared.Request{URL: "accounts/" + sim.AccountID + "/campaigns", Query: []shared.Param{{Key: "count", Value: "7"}, {Key: "sort_by", Value: "name-asc"}}}
	resp, body := do(t, c, cfg, req)
	tw := twitterads.New(nil)
	cr := sim.Credentials
	twResp, err := tw.DoRequest(t.Context(), schema.Config{"consumer_key": schema.StringValue(cr.ConsumerKey),
		"consumer_secret": schema.StringValue(cr.ConsumerSecret), "access_token": schema.StringValue(cr.AccessToken),
		"token_secret": schema.StringValue(cr.TokenSecret), "base_uri": schema.StringValue(sim.URL)}, req)
	if err != nil {
		t.Fatal(err)
	}
	defer twResp.Body.Close()
	twBody, _ := io.ReadAll(twResp.Body)
	if resp.Status != 200 || body != string(twBody) {
		t.Errorf("status %d, bodies differ:\n%s\n%s", resp.Status, body, twBody)
	}
	if resp.RateLimit == nil || resp.RateLimit.Remaining < 0 {
		t.Errorf("rate limit %+v", resp.RateLimit)
	}
	resp, _ = do(t, c, cfg, shared.Request{URL: "accounts/" + sim.AccountID + "/campaigns", Query: []shared.Param{{Key: "count", Value: "5000"}}})
	if resp.Status != 400 || !mentions(resp.Diagnostics, "count") {
		t.Errorf("status %d %v", resp.Status, resp.Diagnostics)
	}
	if res := ping(t, c, simConfig(sim, KeyTokenSecret, "wrong")); res.OK || !mentions(res.Diagnostics, "authentication failed") {
		t.Errorf("wrong secret: %v", res.Diagnostics)
	}
}
