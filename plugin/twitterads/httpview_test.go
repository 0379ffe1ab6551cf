package twitterads

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openintegrator/integrator/plugin/httpoauth1"
	"github.com/openintegrator/integrator/plugin/oauth1"
	"github.com/openintegrator/integrator/plugin/twitteradssim"
	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// typed is c with the settings kv (key, text, ...) given as a user types
// them, each made a value of its field's kind.
func typed(t *testing.T, c schema.Config, kv ...string) schema.Config {
	t.Helper()
	out := set(c)
	for i := 0; i < len(kv); i += 2 {
		f, _ := Spec().Field(kv[i])
		v, err := schema.ParseValue(f, kv[i+1])
		if err != nil {
			t.Fatal(err)
		}
		out[kv[i]] = v
	}
	return out
}

// fixedValues are the HTTP view's fixed settings and their values.
func fixedValues(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, f := range Spec().Fields {
		if f.Fixed {
			out[f.Key] = f.Default
		}
	}
	if len(out) != 10 {
		t.Fatalf("%d fixed settings: %v", len(out), out)
	}
	return out
}

// TestHTTPViewIsWhatTheConnectorDoes: each fixed setting of the HTTP view
// says what the connector does: the signer's method, placement and body
// hash, Describe's paging, the engine's rate-limit status and Retry-After
// header (the engine's defaults, which the profile leaves as they are).
func TestHTTPViewIsWhatTheConnectorDoes(t *testing.T) {
	v := fixedValues(t)
	c := newTestConnector()
	s, ds := parseSettings(simConfig(newSim(t)), c.profile)
	if ds.HasError() {
		t.Fatal(ds)
	}
	signer := s.conn.Signer.(*oauth1.Signer)
	method := signer.Method
	if method == "" {
		method = oauth1.HMACSHA1 // the zero Method
	}
	if string(method) != v[KeySignatureMethod] || signer.Placement != oauth1.InHeader || v[KeyOAuthParamsIn] != "header" ||
		signer.BodyHash || v[KeyBodyHash] != "false" {
		t.Errorf("signer: %s %v body hash %v; the view says %s, %s, %s", method, signer.Placement, signer.BodyHash,
			v[KeySignatureMethod], v[KeyOAuthParamsIn], v[KeyBodyHash])
	}
	d, err := c.Describe(context.Background(), simConfig(newSim(t)))
	if err != nil {
		t.Fatal(err)
	}
	p := d.Paging
	got := map[string]string{KeyPaging: p.Style.String(), KeyRecordsPath: p.RecordsField, KeyCursorParam: p.CursorParam,
		KeyNextCursorPath: p.NextCursorField, KeyTotalPath: p.TotalField}
	for k, want := range got {
		if v[k] != want {
			t.Errorf("%s: the view says %q, Describe %q", k, v[k], want)
		}
	}
	rl := c.profile.RateLimits
	if rl.Statuses != nil || v[KeyRateLimitStatus] != "429" || rl.RetryAfter != "" || v[KeyRetryAfter] != "Retry-After" {
		t.Errorf("rate limits %+v; the view says %s, %s", rl, v[KeyRateLimitStatus], v[KeyRetryAfter])
	}
}

// A fixed setting given its value is accepted (a script may spell it
// out); any other value is refused, naming the setting, and nothing is
// sent.
func TestFixedSettingsRefuseOtherValues(t *testing.T) {
	sim := newSim(t)
	c := newTestConnector()
	var all []string
	for k, val := range fixedValues(t) {
		all = append(all, k, val)
	}
	if ds := validate(typed(t, simConfig(sim), all...)); len(ds) != 0 {
		t.Errorf("the fixed values spelled out: %v", ds)
	}
	for _, kv := range [][2]string{{KeySignatureMethod, "RSA-SHA1"}, {KeyPaging, "page"}, {KeyRecordsPath, "items"}, {KeyRateLimitStatus, "420"}} {
		cfg := typed(t, simConfig(sim), kv[0], kv[1])
		ds := validate(cfg)
		if len(ds) != 1 || ds[0].Field != kv[0] || (ds[0].Code != schema.CodeFixed && ds[0].Code != schema.CodeNotInEnum) {
			t.Errorf("%s=%s: %v", kv[0], kv[1], ds)
		}
		if res, err := c.Ping(context.Background(), cfg); err != nil || res.OK {
			t.Errorf("%s=%s: Ping %+v %v", kv[0], kv[1], res, err)
		}
	}
	if n := sim.Counts().Requests; len(n) != 0 {
		t.Errorf("requests reached the API: %v", n)
	}
}

// TestConversionToTheHTTPConnector: the declared conversion, applied to a
// connection to the simulator, gives settings the real http connector
// validates without a remark, tests, and pages as this connector does;
// a list answers the same bytes through both. The secrets are carried
// over as they are; account_id is left behind; a base URI with a final
// slash gives the same base.
func TestConversionToTheHTTPConnector(t *testing.T) {
	sim := newSim(t, twitteradssim.WithCampaigns(12))
	tw, h := newTestConnector(), httpoauth1.New(nil)
	target := httpoauth1.Spec()
	src := set(simConfig(sim), KeyAccountID, sim.AccountID)
	if ds := validate(src); len(ds) != 0 {
		t.Fatal(ds)
	}
	cfg, err := Spec().Convert(src, target)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if ds, _ := h.Validate(ctx, cfg); len(ds) != 0 {
		t.Errorf("the http connector says: %v", ds)
	}
	cr := sim.Credentials
	for k, want := range map[string]string{"base_uri": sim.URL + "/12", "consumer_key": cr.ConsumerKey, "consumer_secret": cr.ConsumerSecret,
		"access_token": cr.AccessToken, "token_secret": cr.TokenSecret, "signature_method": "HMAC-SHA1", "paging": "cursor"} {
		if cfg.Text(k) != want {
			t.Errorf("%s is not carried over as %q", k, want)
		}
	}
	if cfg.Has(KeyAccountID) {
		t.Error("account_id, which the http connector does not have, was carried over")
	}
	slashed, err := Spec().Convert(set(simConfig(sim), KeyBaseURI, sim.URL+"/", KeyAPIVersion, "11"), target)
	if err != nil || slashed.Text("base_uri") != sim.URL+"/11" {
		t.Errorf("a base URI with a final slash: %q, %v", slashed.Text("base_uri"), err)
	}

	if res, err := h.Ping(ctx, cfg.WithDefaults(target)); err != nil || !res.OK {
		t.Fatalf("the converted connection's test: %+v %v", res, err)
	}
	dt, _ := tw.Describe(ctx, src)
	dh, _ := h.Describe(ctx, cfg.WithDefaults(target))
	want := *dt.Paging
	want.TotalParam = nil // said in the conversion's notes
	if dh.Paging == nil || !cmp.Equal(want, *dh.Paging, cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".FirstPage" }, cmp.Ignore())) {
		t.Errorf("paging: twitter-ads %+v, http %+v", want, dh.Paging)
	}
	req := shared.Request{URL: "accounts/" + sim.AccountID + "/campaigns", Query: []shared.Param{{Key: "count", Value: "5"}, {Key: "sort_by", Value: "name-asc"}}}
	_, twBody := do(t, tw, src, req)
	resp, err := h.DoRequest(ctx, cfg.WithDefaults(target), req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	hBody, _ := io.ReadAll(resp.Body)
	if resp.Status != 200 || string(hBody) != string(twBody) || !strings.Contains(string(hBody), `"data"`) {
		t.Errorf("through http: %d %s\nthrough twitter-ads: %s", resp.Status, hBody, twBody)
	}
}
