package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// These tests drive the real plugin binary through shared.Start and the
// go-plugin handshake, against the real simulator binary.

func diagnosticWithCode(ds schema.Diagnostics, code string) (schema.Diagnostic, bool) {
	for _, d := range ds {
		if d.Code == code {
			return d, true
		}
	}
	return schema.Diagnostic{}, false
}

// noSecretsIn fails the test if a credential of s appears in text.
func noSecretsIn(t *testing.T, what, text string, s simInfo) {
	t.Helper()
	for _, v := range s.secrets() {
		if strings.Contains(text, v) {
			t.Errorf("a secret appears in the %s", what)
		}
	}
}

func connectorCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestConnectorPing(t *testing.T) {
	s := launchSimulator(t)
	inst, logs := startConnectorPlugin(t)
	ctx := connectorCtx(t)

	r, err := inst.Ping(ctx, s.config("account_id", s.AccountID))
	if err != nil {
		t.Fatal(err)
	}
	if !r.OK || len(r.Diagnostics) > 0 || r.Latency <= 0 {
		t.Fatalf("ok %v latency %s diagnostics %v", r.OK, r.Latency, r.Diagnostics)
	}
	facts := map[string]string{}
	for _, f := range r.Facts {
		facts[f.Key] = f.Value
	}
	if facts["api_version"] != "12" || facts["rate_limit_remaining"] == "" || facts["latency"] == "" {
		t.Errorf("facts %v", r.Facts)
	}

	wrong := s.config("consumer_secret", "not"+s.ConsumerSecret)
	r, err = inst.Ping(ctx, wrong)
	if err != nil {
		t.Fatal(err)
	}
	d, ok := diagnosticWithCode(r.Diagnostics, "authentication_failed")
	if r.OK || !ok || !strings.Contains(d.Summary, "authentication failed") || !strings.Contains(d.Detail, "clock") {
		t.Errorf("wrong secret: ok %v %v", r.OK, r.Diagnostics)
	}
	noSecretsIn(t, "diagnostics", fmt.Sprint(r.Diagnostics), s)
	noSecretsIn(t, "plugin log", logs.String(), s)
}

// TestConnectorStreamsFiftyMiB reads a 50 MiB body through the plugin
// while watching this process's heap: the body is never held whole.
func TestConnectorStreamsFiftyMiB(t *testing.T) {
	const size = 50 << 20
	s := launchSimulator(t)
	inst, _ := startConnectorPlugin(t)
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)

	resp, err := inst.DoRequest(connectorCtx(t), s.config(), shared.Request{
		URL: "sim/blob", Query: []shared.Param{{Key: "size", Value: fmt.Sprint(size)}}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.Status != 200 {
		t.Fatalf("status %d %v", resp.Status, resp.Diagnostics)
	}
	var n int64
	var peak uint64
	buf := make([]byte, 32<<10)
	for next := int64(0); ; {
		k, err := resp.Body.Read(buf)
		n += int64(k)
		if n >= next {
			next += 2 << 20
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("after %d bytes: %v", n, err)
		}
	}
	if n != size {
		t.Errorf("read %d bytes, want %d", n, size)
	}
	grew := int64(peak) - int64(before.HeapInuse)
	t.Logf("the heap grew by %d KiB at most while reading 50 MiB", grew>>10)
	if grew > 20<<20 {
		t.Errorf("the heap grew by %d MiB while reading 50 MiB", grew>>20)
	}
}

func TestConnectorWaitsFor429(t *testing.T) {
	s := launchSimulator(t, "--fault", "too_many_requests,times=1,retry-after=1s,path=/campaigns")
	inst, logs := startConnectorPlugin(t)
	resp, err := inst.DoRequest(connectorCtx(t), s.config(), shared.Request{URL: "accounts/" + s.AccountID + "/campaigns"})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var page struct{ Data []json.RawMessage }
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
		t.Fatal(err)
	}
	if resp.Status != 200 || resp.Attempts != 2 || resp.Waited <= 0 || len(page.Data) == 0 {
		t.Errorf("status %d attempts %d waited %s, %d campaigns; %v", resp.Status, resp.Attempts, resp.Waited, len(page.Data), resp.Diagnostics)
	}
	if rl := resp.RateLimit; rl == nil || rl.Scope != "account" {
		t.Errorf("rate limit %+v", rl)
	}
	if !strings.Contains(logs.String(), "reason=429") {
		t.Errorf("the plugin did not log the wait:\n%s", logs.String())
	}
}

// TestConnectorRefusesForeignHosts sends an absolute URL to a TLS server
// that is not the connection's host: nothing may reach it.
func TestConnectorRefusesForeignHosts(t *testing.T) {
	s := launchSimulator(t)
	inst, _ := startConnectorPlugin(t)
	var conns atomic.Int32
	foreign := "https://evil.example/12/accounts"
	if ip := nonLoopbackIP(); ip != nil {
		ln, err := net.Listen("tcp", net.JoinHostPort(ip.String(), "0"))
		if err == nil {
			srv := httptest.NewUnstartedServer(http.NotFoundHandler())
			srv.Listener.Close()
			srv.Listener = ln
			srv.Config.ConnState = func(net.Conn, http.ConnState) { conns.Add(1) }
			srv.StartTLS()
			t.Cleanup(srv.Close)
			foreign = srv.URL + "/12/accounts"
		}
	}
	for _, u := range []string{foreign, "https://evil.example/12/accounts", "ftp://" + strings.TrimPrefix(s.URL, "http://") + "/x"} {
		resp, err := inst.DoRequest(connectorCtx(t), s.config(), shared.Request{URL: u})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.Status != 0 || resp.Attempts != 0 || len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Detail == "" {
			t.Errorf("%s: status %d attempts %d %v", u, resp.Status, resp.Attempts, resp.Diagnostics)
		}
	}
	if n := conns.Load(); n != 0 {
		t.Errorf("the foreign host saw %d connection events", n)
	}
}

func nonLoopbackIP() net.IP {
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		if ipn, ok := a.(*net.IPNet); ok && !ipn.IP.IsLoopback() && ipn.IP.To4() != nil {
			return ipn.IP
		}
	}
	return nil
}

// TestConnectorPOSTUnderResetIsNotDuplicated creates a campaign while the
// simulator processes the POST and then resets the connection: the plugin
// must report an unknown outcome, not send it again.
func TestConnectorPOSTUnderResetIsNotDuplicated(t *testing.T) {
	s := launchSimulator(t, "--fault", "reset_after,method=POST,path=/campaigns,times=1")
	inst, _ := startConnectorPlugin(t)
	ctx := connectorCtx(t)
	acct := "accounts/" + s.AccountID

	get := func(path string, q ...shared.Param) []map[string]any {
		resp, err := inst.DoRequest(ctx, s.config(), shared.Request{URL: path, Query: q})
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var page struct {
			Data       []map[string]any
			NextCursor *string `json:"next_cursor"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&page); err != nil || resp.Status != 200 {
			t.Fatalf("GET %s: %d %v %v", path, resp.Status, err, resp.Diagnostics)
		}
		if page.NextCursor != nil {
			t.Fatalf("GET %s: more than one page", path)
		}
		return page.Data
	}
	fis := get(acct + "/funding_instruments")
	name := fmt.Sprintf("e2e reset %d", time.Now().UnixNano())
	resp, err := inst.DoRequest(ctx, s.config(), shared.Request{Method: "POST", URL: acct + "/campaigns", Query: []shared.Param{
		{Key: "name", Value: name}, {Key: "funding_instrument_id", Value: fis[0]["id"].(string)},
		{Key: "daily_budget_amount_local_micro", Value: "5000000"}}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if _, ok := diagnosticWithCode(resp.Diagnostics, "outcome_unknown"); resp.Status != 0 || resp.Attempts != 1 || !ok {
		t.Errorf("status %d attempts %d %v", resp.Status, resp.Attempts, resp.Diagnostics)
	}
	found := 0
	for _, c := range get(acct+"/campaigns", shared.Param{Key: "count", Value: "1000"}) {
		if c["name"] == name {
			found++
		}
	}
	if found != 1 {
		t.Errorf("the campaign exists %d times, want 1", found)
	}
}
