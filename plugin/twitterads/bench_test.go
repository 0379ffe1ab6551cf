package twitterads

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"testing"

	goplugin "github.com/hashicorp/go-plugin"

	"github.com/openintegrator/integrator/plugin/oauth1"
	"github.com/openintegrator/integrator/plugin/twitteradssim"
	"github.com/openintegrator/integrator/shared"
)

// The benchmarks run against the in-process simulator. Direct is the same
// request signed and sent with net/http alone, the floor the connector adds
// to; OverGRPC goes through the plugin contract's gRPC adapters in process
// (go-plugin's test connection: no process boundary, no TLS). The real
// plugin process is measured by plugin/bench/dorequest.

func benchSim(b *testing.B) *twitteradssim.Server {
	l := twitteradssim.DefaultRateLimits()
	l.Read.Limit, l.NoAccount.Limit = -1, -1
	srv := twitteradssim.NewServer(twitteradssim.WithRateLimits(l))
	b.Cleanup(srv.Close)
	return srv
}

// overGRPC returns the connector behind the contract's gRPC adapters.
func overGRPC(b *testing.B) shared.Connector {
	client, _ := goplugin.TestPluginGRPCConn(b, false, map[string]goplugin.Plugin{shared.PluginName: &shared.GRPCPlugin{Impl: New(nil)}})
	b.Cleanup(func() { client.Close() })
	raw, err := client.Dispense(shared.PluginName)
	if err != nil {
		b.Fatal(err)
	}
	return raw.(shared.Connector)
}

func benchCalls(b *testing.B, c shared.Connector, srv *twitteradssim.Server, req shared.Request) {
	cfg := simConfig(srv)
	buf := make([]byte, 32<<10)
	b.ReportAllocs()
	for b.Loop() {
		resp, err := c.DoRequest(context.Background(), cfg, req)
		if err != nil || resp.Status != 200 {
			b.Fatal(err, resp.Status)
		}
		if _, err := io.CopyBuffer(io.Discard, struct{ io.Reader }{resp.Body}, buf); err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
	}
}

func BenchmarkSmallGET(b *testing.B) {
	srv := benchSim(b)
	req := shared.Request{URL: "accounts/" + srv.AccountID}
	b.Run("Direct", func(b *testing.B) {
		cr := srv.Credentials
		s := &oauth1.Signer{ConsumerKey: cr.ConsumerKey, ConsumerSecret: cr.ConsumerSecret, Token: cr.AccessToken, TokenSecret: cr.TokenSecret}
		hc := &http.Client{}
		b.ReportAllocs()
		for b.Loop() {
			r, _ := http.NewRequest(http.MethodGet, srv.URL+"/12/accounts/"+srv.AccountID, nil)
			if err := s.Sign(r); err != nil {
				b.Fatal(err)
			}
			resp, err := hc.Do(r)
			if err != nil || resp.StatusCode != 200 {
				b.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	})
	b.Run("InProcess", func(b *testing.B) { benchCalls(b, New(nil), srv, req) })
	b.Run("OverGRPC", func(b *testing.B) { benchCalls(b, overGRPC(b), srv, req) })
}

func BenchmarkBlob64MiB(b *testing.B) {
	const size = 64 << 20
	srv := benchSim(b)
	req := shared.Request{URL: "sim/blob", Query: params("size", strconv.Itoa(size))}
	b.Run("InProcess", func(b *testing.B) { b.SetBytes(size); benchCalls(b, New(nil), srv, req) })
	b.Run("OverGRPC", func(b *testing.B) { b.SetBytes(size); benchCalls(b, overGRPC(b), srv, req) })
}
