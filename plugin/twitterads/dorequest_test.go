package twitterads

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/openintegrator/integrator/plugin/httpconn"
	"github.com/openintegrator/integrator/plugin/twitteradssim"
	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

func TestPathsReachTheSimulator(t *testing.T) {
	srv := newSim(t)
	c := newTestConnector()
	acct := srv.AccountID
	tests := []struct {
		url   string
		route string
	}{
		{"accounts", "GET /accounts"},
		{"/accounts/" + acct, "GET /accounts/:account_id"},
		{"/12/accounts/" + acct + "/campaigns", "GET /accounts/:account_id/campaigns"},
		{"11/accounts/" + acct + "/line_items", "GET /accounts/:account_id/line_items"},
		{srv.URL + "/12/accounts/" + acct + "/funding_instruments", "GET /accounts/:account_id/funding_instruments"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			before := srv.Counts().Requests[tt.route]
			resp, b := do(t, c, simConfig(srv), shared.Request{URL: tt.url})
			if resp.Status != 200 || len(resp.Diagnostics) > 0 {
				t.Fatalf("%d %v %s", resp.Status, resp.Diagnostics, b)
			}
			if got := srv.Counts().Requests[tt.route] - before; got != 1 {
				t.Errorf("%s counted %d times", tt.route, got)
			}
			if resp.Attempts != 1 || resp.HeaderValue("x-current-api-version") != "12" {
				t.Errorf("attempts %d, header %v", resp.Attempts, resp.Header)
			}
		})
	}
}

func TestRefusedRequestsSendNothing(t *testing.T) {
	srv := newSim(t)
	c := newTestConnector()
	rec := newRecorder(t, srv.Credentials)
	tests := []struct {
		name string
		cfg  schema.Config
		req  shared.Request
		code string
	}{
		{"foreign host", simConfig(srv), shared.Request{URL: "https://evil.example/12/accounts"}, httpconn.CodeHostNotAllowed},
		{"download host as a look-alike", simConfig(srv), shared.Request{URL: "https://ton.twimg.com.evil.example/x"}, httpconn.CodeHostNotAllowed},
		{"foreign host, remote base", simConfig(srv, KeyBaseURI, "https://ads-api.x.com"),
			shared.Request{URL: rec.URL + "/12/accounts"}, httpconn.CodeHostNotAllowed},
		{"scheme", simConfig(srv), shared.Request{URL: "gopher://127.0.0.1/x"}, httpconn.CodeSchemeNotAllowed},
		{"plain http to a remote host", simConfig(srv), shared.Request{URL: "http://ads-api.x.com/12/accounts"}, httpconn.CodeInsecureURL},
		{"CR LF in the path", simConfig(srv), shared.Request{URL: "accounts\r\nX: y"}, httpconn.CodeControlCharacter},
		{"LF in a header", simConfig(srv), shared.Request{URL: "accounts", Header: headers("X-A", "1\nX-B: 2")}, httpconn.CodeControlCharacter},
		{"SOH in a header", simConfig(srv), shared.Request{URL: "accounts", Header: headers("X-A", "a\x01b")}, httpconn.CodeControlCharacter},
		{"dot dot", simConfig(srv), shared.Request{URL: "accounts/../../x"}, httpconn.CodeDotSegment},
		{"Authorization header", simConfig(srv), shared.Request{URL: "accounts", Header: headers("Authorization", "Bearer x")}, httpconn.CodeHeaderNotAllowed},
		{"POST to the download host", simConfig(srv), shared.Request{Method: "POST", URL: srv.DownloadURL + "/x"}, httpconn.CodeMethodNotAllowed},
		{"body over 32 MiB", simConfig(srv), shared.Request{Method: "POST", URL: "accounts/" + srv.AccountID + "/campaigns",
			Body: make([]byte, shared.MaxRequestBody+1)}, shared.CodeBodyTooLarge},
		{"invalid settings", set(simConfig(srv), KeyConsumerSecret, ""), shared.Request{URL: "accounts"}, schema.CodeMissingRequired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, b := do(t, c, tt.cfg, tt.req)
			if resp.Status != 0 || resp.Attempts != 0 || len(b) != 0 {
				t.Errorf("status %d, attempts %d, body %q", resp.Status, resp.Attempts, b)
			}
			if len(resp.Diagnostics) == 0 || resp.Diagnostics[len(resp.Diagnostics)-1].Code != tt.code {
				t.Errorf("diagnostics %v, want %s", codes(resp.Diagnostics), tt.code)
			}
		})
	}
	if n := requests(srv); n != 0 {
		t.Errorf("the simulator saw %d requests: %v", n, srv.Counts().Requests)
	}
	if n := len(rec.requests()); n != 0 {
		t.Errorf("the foreign host saw %d requests", n)
	}
}

func TestQueryKeepsRepeatedKeysInOrder(t *testing.T) {
	srv := newSim(t)
	rec := newRecorder(t, srv.Credentials)
	c := newTestConnector()
	q := params("entity_ids", "b", "metric_groups", "ENGAGEMENT", "entity_ids", "a", "entity_ids", "b", "x", "sp ace+!*", "empty", "")
	resp, _ := do(t, c, credsConfig(srv.Credentials, rec.URL), shared.Request{URL: "accounts?first=1", Query: q})
	if resp.Status != 200 {
		t.Fatalf("%d %v", resp.Status, resp.Diagnostics)
	}
	got := rec.requests()[0]
	want := "first=1&entity_ids=b&metric_groups=ENGAGEMENT&entity_ids=a&entity_ids=b&x=sp+ace%2B%21%2A&empty="
	if got.RawQuery != want || got.Path != "/12/accounts" {
		t.Errorf("got %s?%s, want /12/accounts?%s", got.Path, got.RawQuery, want)
	}
	if got.VerifyErr != nil || got.Authorization == "" {
		t.Errorf("signature: %v", got.VerifyErr)
	}
	// The simulator, which verifies strictly, accepts it too.
	resp, b := do(t, c, simConfig(srv), shared.Request{URL: "accounts/" + srv.AccountID + "/campaigns",
		Query: params("count", "2", "with_deleted", "true", "count", "3")})
	if resp.Status != 200 {
		t.Errorf("%d %s", resp.Status, b)
	}
}

func TestBodies(t *testing.T) {
	srv := newSim(t)
	rec := newRecorder(t, srv.Credentials)
	c := newTestConnector()
	fi := fundingInstrument(t, c, srv)

	// A form body is signed: the recorder and the simulator verify it.
	form := []byte("name=form+campaign&funding_instrument_id=" + fi + "&daily_budget_amount_local_micro=1000000")
	formReq := shared.Request{Method: "POST", URL: "accounts/" + srv.AccountID + "/campaigns", Body: form,
		Header: headers("Content-Type", "application/x-www-form-urlencoded")}
	do(t, c, credsConfig(srv.Credentials, rec.URL), formReq)
	got := rec.requests()[0]
	if got.VerifyErr != nil || !bytes.Equal(got.Body, form) || got.ContentType != "application/x-www-form-urlencoded" {
		t.Errorf("form: verify %v, body %q, type %q", got.VerifyErr, got.Body, got.ContentType)
	}
	resp, b := do(t, c, simConfig(srv), formReq)
	if resp.Status != 200 || srv.Counts().Created["campaign"] != 1 || !strings.Contains(string(b), "form campaign") {
		t.Errorf("form create: %d %v %s", resp.Status, resp.Diagnostics, b)
	}

	// A JSON body is sent as is and not signed (the batch endpoint).
	ops, _ := json.Marshal([]map[string]any{{"operation_type": "Create", "params": map[string]any{
		"name": "json campaign", "funding_instrument_id": fi, "daily_budget_amount_local_micro": 1000000}}})
	jsonReq := shared.Request{Method: "POST", URL: "batch/accounts/" + srv.AccountID + "/campaigns", Body: ops,
		Header: headers("Content-Type", "application/json")}
	do(t, c, credsConfig(srv.Credentials, rec.URL), jsonReq)
	got = rec.requests()[1]
	if got.VerifyErr != nil || !bytes.Equal(got.Body, ops) || got.Path != "/12/batch/accounts/"+srv.AccountID+"/campaigns" {
		t.Errorf("json: verify %v, body %q, path %s", got.VerifyErr, got.Body, got.Path)
	}
	resp, b = do(t, c, simConfig(srv), jsonReq)
	if resp.Status != 200 || srv.Counts().Created["campaign"] != 2 {
		t.Errorf("json create: %d %v %s", resp.Status, resp.Diagnostics, b)
	}
}

func TestAPIErrorsBecomeDiagnostics(t *testing.T) {
	srv := newSim(t)
	c := newTestConnector()
	resp, b := do(t, c, simConfig(srv), shared.Request{URL: "accounts/" + srv.AccountID + "/campaigns", Query: params("count", "5000")})
	if resp.Status != 400 || len(resp.Diagnostics) != 1 {
		t.Fatalf("%d %v", resp.Status, resp.Diagnostics)
	}
	d := resp.Diagnostics[0]
	if d.Code != "INVALID_PARAMETER" || d.Field != "count" || d.Summary == "" || d.Severity != schema.SeverityError {
		t.Errorf("diagnostic %+v", d)
	}
	var raw struct{ Errors []struct{ Message string } }
	if err := json.Unmarshal(b, &raw); err != nil || len(raw.Errors) != 1 || raw.Errors[0].Message != d.Summary {
		t.Errorf("the raw body was not passed on whole: %v %s", err, b)
	}

	wrong := srv.Credentials
	wrong.TokenSecret += "x"
	resp, _ = do(t, c, credsConfig(wrong, srv.URL), shared.Request{URL: "accounts"})
	if d, ok := find(resp.Diagnostics, "UNAUTHORIZED_ACCESS"); resp.Status != 401 || !ok || !strings.HasPrefix(d.Summary, "authentication failed") {
		t.Errorf("401: %d %v", resp.Status, resp.Diagnostics)
	}
	resp, _ = do(t, c, credsConfig(srv.NoAccessCredentials, srv.URL), shared.Request{URL: "accounts"})
	if _, ok := find(resp.Diagnostics, "UNAUTHORIZED_CLIENT_APPLICATION"); resp.Status != 403 || !ok {
		t.Errorf("403: %d %v", resp.Status, resp.Diagnostics)
	}
}

func TestDownloadHostIsNotSigned(t *testing.T) {
	srv := newSim(t)
	download := newRecorder(t, srv.Credentials)
	resp, _ := do(t, newTestConnector(), simConfig(srv), shared.Request{URL: download.URL + "/files/r.json.gz", Query: params("a", "1")})
	if resp.Status != 200 {
		t.Fatalf("%d %v", resp.Status, resp.Diagnostics)
	}
	got := download.requests()[0]
	if got.Authorization != "" || got.Path != "/files/r.json.gz" || got.RawQuery != "a=1" {
		t.Errorf("download request %+v", got)
	}
	// The simulator's own download host.
	resp, _ = do(t, newTestConnector(), simConfig(srv), shared.Request{URL: srv.DownloadURL + "/nothing-here"})
	if resp.Status != 404 || srv.Counts().Requests["GET (download)"] != 1 {
		t.Errorf("status %d, counts %v", resp.Status, srv.Counts().Requests)
	}
}

func TestRateLimitInTheHead(t *testing.T) {
	srv := newSim(t)
	c := newTestConnector()
	resp, _ := do(t, c, simConfig(srv), shared.Request{URL: "accounts/" + srv.AccountID + "/campaigns"})
	rl := resp.RateLimit
	if rl == nil || rl.Scope != "account" || rl.Limit != 10000 || rl.Remaining != 9999 || rl.Reset.IsZero() {
		t.Errorf("account rate limit %+v", rl)
	}
	resp, _ = do(t, c, simConfig(srv), shared.Request{URL: "accounts"})
	if rl := resp.RateLimit; rl == nil || rl.Scope != "user" || rl.Limit != 5 || rl.Remaining != 4 {
		t.Errorf("user rate limit %+v", rl)
	}
}

func ExampleConnector_DoRequest() {
	srv := twitteradssim.NewServer()
	defer srv.Close()
	cfg := schema.Config{
		KeyConsumerKey:    schema.StringValue(srv.Credentials.ConsumerKey),
		KeyConsumerSecret: schema.StringValue(srv.Credentials.ConsumerSecret),
		KeyAccessToken:    schema.StringValue(srv.Credentials.AccessToken),
		KeyTokenSecret:    schema.StringValue(srv.Credentials.TokenSecret),
		KeyBaseURI:        schema.StringValue(srv.URL),
	}
	resp, err := New(nil).DoRequest(context.Background(), cfg, shared.Request{
		URL:   "accounts/" + srv.AccountID + "/campaigns",
		Query: []shared.Param{{Key: "count", Value: "1"}},
	})
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	var page struct{ Data []map[string]any }
	json.NewDecoder(resp.Body).Decode(&page)
	fmt.Println(resp.Status, resp.Attempts, len(page.Data), resp.RateLimit.Scope)
	// Output: 200 1 1 account
}
