package twitterads

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/openintegrator/integrator/plugin/httpconn"
	"github.com/openintegrator/integrator/plugin/oauth1"
	"github.com/openintegrator/integrator/plugin/twitteradssim"
	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// newSim starts a simulator that stops with the test.
func newSim(t *testing.T, opts ...twitteradssim.Option) *twitteradssim.Server {
	t.Helper()
	srv := twitteradssim.NewServer(opts...)
	t.Cleanup(srv.Close)
	return srv
}

// simConfig is a connection to srv with its demo credentials; kv
// overrides settings.
func simConfig(srv *twitteradssim.Server, kv ...string) schema.Config {
	return credsConfig(srv.Credentials, srv.URL, kv...)
}

func credsConfig(cr twitteradssim.Credentials, base string, kv ...string) schema.Config {
	return set(schema.Config{
		KeyConsumerKey:    schema.StringValue(cr.ConsumerKey),
		KeyConsumerSecret: schema.StringValue(cr.ConsumerSecret),
		KeyAccessToken:    schema.StringValue(cr.AccessToken),
		KeyTokenSecret:    schema.StringValue(cr.TokenSecret),
		KeyBaseURI:        schema.StringValue(base),
	}, kv...)
}

// newTestConnector returns a connector whose backoff is short.
func newTestConnector() *Connector {
	return newConnector(nil, httpconn.Options{BackoffBase: 20 * time.Millisecond, BackoffMax: 200 * time.Millisecond})
}

// do sends req and returns the response with its whole body read.
func do(t *testing.T, c *Connector, cfg schema.Config, req shared.Request) (*shared.Response, []byte) {
	t.Helper()
	resp, err := c.DoRequest(context.Background(), cfg, req)
	if err != nil {
		t.Fatalf("DoRequest: %v", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading the body: %v", err)
	}
	return resp, b
}

func codes(ds schema.Diagnostics) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.Code)
	}
	return out
}

func find(ds schema.Diagnostics, code string) (schema.Diagnostic, bool) {
	for _, d := range ds {
		if d.Code == code {
			return d, true
		}
	}
	return schema.Diagnostic{}, false
}

// requests is the number of requests both of the simulator's hosts saw.
func requests(srv *twitteradssim.Server) int {
	n := 0
	for _, v := range srv.Counts().Requests {
		n += v
	}
	return n
}

// fundingInstrument returns the id of a funding instrument of the
// simulator's first account, needed to create campaigns.
func fundingInstrument(t *testing.T, c *Connector, srv *twitteradssim.Server) string {
	t.Helper()
	resp, b := do(t, c, simConfig(srv), shared.Request{URL: "accounts/" + srv.AccountID + "/funding_instruments"})
	if resp.Status != 200 {
		t.Fatalf("funding instruments: %d %v", resp.Status, resp.Diagnostics)
	}
	var list struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if err := json.Unmarshal(b, &list); err != nil || len(list.Data) == 0 {
		t.Fatalf("no funding instrument in %s (%v)", b, err)
	}
	return list.Data[0].ID
}

// campaignParams are the parameters of a valid campaign create.
func campaignParams(fi, name string) []shared.Param {
	return []shared.Param{{Key: "name", Value: name}, {Key: "funding_instrument_id", Value: fi},
		{Key: "daily_budget_amount_local_micro", Value: "5000000"}}
}

// recorded is one request a recorder saw.
type recorded struct {
	Method, Path, RawQuery, ContentType string
	Body                                []byte // the first MiB
	BodyLen                             int64
	Authorization                       string
	VerifyErr                           error
}

// recorder is a loopback server that keeps every request, checks its
// signature against creds, and answers with answer (200 {} by default).
type recorder struct {
	*httptest.Server
	mu     sync.Mutex
	seen   []recorded
	answer http.HandlerFunc
}

func newRecorder(t *testing.T, creds twitteradssim.Credentials) *recorder {
	t.Helper()
	rec := &recorder{}
	rec.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var verr error
		if r.Header.Get("Authorization") != "" {
			_, verr = oauth1.Verify(r, func(key, token string) (string, string, error) {
				return creds.ConsumerSecret, creds.TokenSecret, nil
			})
		}
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20)) // kept for comparison
		rest, _ := io.Copy(io.Discard, r.Body)
		rec.mu.Lock()
		rec.seen = append(rec.seen, recorded{r.Method, r.URL.EscapedPath(), r.URL.RawQuery, r.Header.Get("Content-Type"),
			body, int64(len(body)) + rest, r.Header.Get("Authorization"), verr})
		answer := rec.answer
		rec.mu.Unlock()
		if answer != nil {
			answer(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"data":{}}`)
	}))
	t.Cleanup(rec.Close)
	return rec
}

func (r *recorder) requests() []recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]recorded(nil), r.seen...)
}

func (r *recorder) setAnswer(h http.HandlerFunc) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.answer = h
}

// closedPort returns a loopback address on which nothing listens.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// params makes query parameters from key, value pairs.
func params(kv ...string) []shared.Param {
	var out []shared.Param
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, shared.Param{Key: kv[i], Value: kv[i+1]})
	}
	return out
}

// headers makes header fields from name, value pairs.
func headers(kv ...string) []shared.Header {
	var out []shared.Header
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, shared.Header{Name: kv[i], Value: kv[i+1]})
	}
	return out
}
