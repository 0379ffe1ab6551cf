package twitteradssim

import (
	"cmp"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Every request to the API listener, whatever it is and whatever its
// answer, is served no sooner than the latency after it arrives.
func TestLatencyDelaysEveryRequest(t *testing.T) {
	const latency = 150 * time.Millisecond
	srv, c := startServer(t, WithLatency(latency), WithCampaigns(10))
	fi := firstFundingInstrument(t, c)
	for _, rq := range []request{
		{path: campaignsPath(srv), query: values("count", "5")},
		{method: "POST", path: campaignsPath(srv), query: values("name", "Latency", "funding_instrument_id", fi,
			"daily_budget_amount_local_micro", "1000000", "entity_status", "PAUSED")},
		{path: "/12/accounts/" + srv.AccountID + "/no_such_thing"},
		{path: "/12/sim/counts"},
		{path: campaignsPath(srv), signer: signerFor(Credentials{ConsumerKey: "x", ConsumerSecret: "y", AccessToken: "z", TokenSecret: "w"})},
	} {
		start := time.Now()
		r := c.must(rq)
		if took := time.Since(start); took < latency {
			t.Errorf("%s %s answered %d after %v, before the latency of %v", cmp.Or(rq.method, "GET"), rq.path, r.Status, took, latency)
		}
	}
	if got := srv.Counts().Created["campaign"]; got != 1 {
		t.Errorf("%d campaigns created, want 1", got)
	}
}

// A client that gives up while its request waits out the latency gets no
// answer, and the request does nothing: a create is not applied.
func TestLatencyClientGivingUpChangesNothing(t *testing.T) {
	srv, c := startServer(t, WithLatency(time.Hour))
	fi := "fi" // never read: the request ends during the latency
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "POST", srv.URL+campaignsPath(srv)+"?name=Gone&funding_instrument_id="+fi, nil)
	if err := c.signer.Sign(req); err != nil {
		t.Fatal(err)
	}
	if resp, err := c.hc.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("answered %d during an hour of latency", resp.StatusCode)
	}
	srv.Close() // waits for the handler to return
	n := srv.Counts()
	if n.Requests["POST /accounts/:account_id/campaigns"] != 1 || n.Created["campaign"] != 0 {
		t.Errorf("counts after a request given up during the latency: %+v", n)
	}
}

func TestLatencyMustNotBeNegative(t *testing.T) {
	_, err := Start(WithLatency(-time.Millisecond))
	if err == nil || !strings.Contains(err.Error(), "latency must not be negative") {
		t.Fatalf("Start with a negative latency: %v", err)
	}
}
