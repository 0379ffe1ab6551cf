package twitterads

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/openintegrator/integrator/plugin/httpconn"
	"github.com/openintegrator/integrator/plugin/twitteradssim"
	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// authRecorder keeps the Authorization header of every request sent.
type authRecorder struct {
	inner http.RoundTripper
	mu    sync.Mutex
	auth  []string
}

func (a *authRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	if v := r.Header.Get("Authorization"); v != "" {
		a.mu.Lock()
		a.auth = append(a.auth, v)
		a.mu.Unlock()
	}
	return a.inner.RoundTrip(r)
}

var oauthParam = regexp.MustCompile(`(oauth_nonce|oauth_signature)="([^"]+)"`)

// TestNoSecretInLogs runs successes, failures, retries and refusals with
// a trace-level logger and scans the log, the diagnostics and the
// headers returned for each credential, nonce and signature.
func TestNoSecretInLogs(t *testing.T) {
	srv := newSim(t)
	var logs bytes.Buffer
	var logMu sync.Mutex
	hc := httpconn.NewClient()
	rec := &authRecorder{inner: hc.Transport}
	hc.Transport = rec
	c := newConnector(hclog.New(&hclog.LoggerOptions{Level: hclog.Trace, Output: &lockedWriter{w: &logs, mu: &logMu}, IncludeLocation: true}),
		httpconn.Options{Client: hc, BackoffBase: 20 * time.Millisecond, BackoffMax: 200 * time.Millisecond})

	var said []string // everything the connector returned as text
	keep := func(resp *shared.Response) {
		for _, d := range resp.Diagnostics {
			said = append(said, d.Error())
		}
		for _, h := range resp.Header {
			said = append(said, h.Name+": "+h.Value)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	ctx := context.Background()
	cfg := simConfig(srv, KeyAccountID, srv.AccountID)
	wrong := srv.Credentials
	wrong.ConsumerSecret = "WRONG" + wrong.ConsumerSecret
	for _, cf := range []schema.Config{cfg, credsConfig(wrong, srv.URL), credsConfig(srv.NoAccessCredentials, srv.URL)} {
		r, _ := c.Ping(ctx, cf)
		for _, d := range r.Diagnostics {
			said = append(said, d.Error())
		}
		for _, f := range r.Facts {
			said = append(said, f.Key+" "+f.Value)
		}
	}
	fi := fundingInstrument(t, c, srv)
	srv.SetFaults(twitteradssim.Faults{
		{Kind: twitteradssim.FaultTooManyRequests, Path: "/line_items", Times: 1, RetryAfter: 10 * time.Millisecond},
		{Kind: twitteradssim.FaultInternalError, Path: "/promoted_tweets", Times: 1},
		{Kind: twitteradssim.FaultResetAfter, Method: "POST", Times: 1},
		{Kind: twitteradssim.FaultResetAfter, Method: "GET", Path: "/funding_instruments", Times: 1},
	})
	acct := "accounts/" + srv.AccountID
	for _, req := range []shared.Request{
		{URL: acct + "/line_items"},
		{URL: acct + "/promoted_tweets"},
		{URL: acct + "/funding_instruments"},
		{Method: "POST", URL: acct + "/campaigns", Query: campaignParams(fi, "log test")},
		{Method: "POST", URL: acct + "/campaigns", Body: []byte(url.Values{"name": {"form"}, "funding_instrument_id": {fi},
			"daily_budget_amount_local_micro": {"1000000"}}.Encode()), Header: headers("Content-Type", "application/x-www-form-urlencoded")},
		{URL: acct + "/campaigns", Query: params("count", "0")},
		{URL: "https://evil.example/x"},
		{URL: acct, Header: headers("Authorization", "OAuth oauth_signature=\"x\"")},
	} {
		resp, err := c.DoRequest(ctx, cfg, req)
		if err != nil {
			t.Fatal(err)
		}
		keep(resp)
	}
	resp, _ := c.DoRequest(ctx, credsConfig(wrong, srv.URL), shared.Request{URL: acct})
	keep(resp)

	secrets := map[string]string{
		"consumer key": srv.Credentials.ConsumerKey, "consumer secret": srv.Credentials.ConsumerSecret,
		"access token": srv.Credentials.AccessToken, "token secret": srv.Credentials.TokenSecret,
		"wrong consumer secret": wrong.ConsumerSecret, "no-access secret": srv.NoAccessCredentials.ConsumerSecret,
		"no-access token secret": srv.NoAccessCredentials.TokenSecret,
	}
	rec.mu.Lock()
	for i, a := range rec.auth {
		for _, m := range oauthParam.FindAllStringSubmatch(a, -1) {
			dec, _ := url.PathUnescape(m[2])
			secrets[fmt.Sprintf("%s of request %d", m[1], i)] = m[2]
			secrets[fmt.Sprintf("%s of request %d, decoded", m[1], i)] = dec
		}
	}
	nAuth := len(rec.auth)
	rec.mu.Unlock()
	if nAuth < 10 {
		t.Fatalf("only %d signed requests were sent", nAuth)
	}
	logMu.Lock()
	out := logs.String()
	logMu.Unlock()
	if !strings.Contains(out, "[DEBUG]") || !strings.Contains(out, "status=") || !strings.Contains(out, "wait=") {
		t.Errorf("the log lacks the debug lines:\n%s", out)
	}
	text := out + "\n" + strings.Join(said, "\n")
	for what, v := range secrets {
		if len(v) >= 6 && strings.Contains(text, v) {
			t.Errorf("the %s appears in the output", what)
		}
	}
	for _, word := range []string{"Authorization", "OAuth ", "oauth_"} {
		if strings.Contains(out, word) {
			t.Errorf("the log mentions %q", word)
		}
	}
}

type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
