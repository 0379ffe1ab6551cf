package shared

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/test/bufconn"

	"github.com/openintegrator/integrator/schema"
	pb "github.com/openintegrator/integrator/shared/proto/connectorv1"
)

// fakeConnector is a plugin implementation for the contract tests: it
// records what arrives and answers what the test sets.
type fakeConnector struct {
	mu       sync.Mutex
	gotCfg   schema.Config
	gotReq   Request
	spec     schema.Spec
	diags    schema.Diagnostics
	ping     PingResult
	head     ResponseHead
	body     io.Reader
	err      error
	canceled chan struct{}
}

func (f *fakeConnector) GetSchema(context.Context) (schema.Spec, error) { return f.spec, f.err }

func (f *fakeConnector) Validate(_ context.Context, cfg schema.Config) (schema.Diagnostics, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gotCfg = cfg
	return f.diags, f.err
}

func (f *fakeConnector) Ping(_ context.Context, cfg schema.Config) (PingResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gotCfg = cfg
	return f.ping, f.err
}

func (f *fakeConnector) DoRequest(ctx context.Context, cfg schema.Config, req Request) (*Response, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gotCfg, f.gotReq = cfg, req
	if f.err != nil {
		return nil, f.err
	}
	body := f.body
	if f.canceled != nil {
		body = &blockUntilCanceled{ctx: ctx, done: f.canceled}
	}
	if body == nil {
		return &Response{ResponseHead: f.head}, nil
	}
	return &Response{ResponseHead: f.head, Body: io.NopCloser(body)}, nil
}

// blockUntilCanceled yields one chunk, then blocks until the call's context
// ends, and reports that on done.
type blockUntilCanceled struct {
	ctx   context.Context
	done  chan struct{}
	first bool
}

func (b *blockUntilCanceled) Read(p []byte) (int, error) {
	if !b.first {
		b.first = true
		return copy(p, "first"), nil
	}
	<-b.ctx.Done()
	close(b.done)
	return 0, b.ctx.Err()
}

// transport is one way of connecting a host to a plugin in the contract
// tests.
type transport struct {
	name    string
	connect func(t *testing.T, impl Connector) Connector
}

// transports: go-plugin's own test connection (plain gRPC codecs on both
// sides, mutual TLS), this package's options on both sides (what Start and
// Serve use), and each of them against a plain peer, so that a host or a
// plugin built with gRPC's defaults still speaks the same wire format.
var transports = []transport{
	{"go-plugin", connectGoPlugin},
	{"ours", func(t *testing.T, impl Connector) Connector {
		return connectWith(t, impl, serverOptions(nil), dialOptions())
	}},
	{"plain host, our plugin", func(t *testing.T, impl Connector) Connector {
		return connectWith(t, impl, serverOptions(nil), nil)
	}},
	{"our host, plain plugin", func(t *testing.T, impl Connector) Connector {
		return connectWith(t, impl, nil, dialOptions())
	}},
}

func connectGoPlugin(t *testing.T, impl Connector) Connector {
	t.Helper()
	c, _ := plugin.TestPluginGRPCConn(t, true, map[string]plugin.Plugin{PluginName: &GRPCPlugin{Impl: impl}})
	t.Cleanup(func() { c.Close() })
	raw, err := c.Dispense(PluginName)
	if err != nil {
		t.Fatal(err)
	}
	return raw.(Connector)
}

func connectWith(t *testing.T, impl Connector, sopts []grpc.ServerOption, dopts []grpc.DialOption) Connector {
	t.Helper()
	raw, err := (&GRPCPlugin{}).GRPCClient(context.Background(), nil, dial(t, impl, sopts, dopts))
	if err != nil {
		t.Fatal(err)
	}
	return raw.(Connector)
}

// dial serves impl with sopts on an in-memory listener and returns a client
// connection to it made with dopts.
func dial(t *testing.T, impl Connector, sopts []grpc.ServerOption, dopts []grpc.DialOption) *grpc.ClientConn {
	t.Helper()
	lis := bufconn.Listen(1 << 20)
	s := grpc.NewServer(sopts...)
	if err := (&GRPCPlugin{Impl: impl}).GRPCServer(nil, s); err != nil {
		t.Fatal(err)
	}
	go s.Serve(lis)
	t.Cleanup(s.Stop)
	dopts = append(dopts, grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }))
	conn, err := grpc.NewClient("passthrough:///plugin", dopts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// connect uses go-plugin's test connection; the DoRequest tests run over
// every transport.
func connect(t *testing.T, impl *fakeConnector) Connector {
	t.Helper()
	return connectGoPlugin(t, impl)
}

// eachTransport runs test once per transport.
func eachTransport(t *testing.T, test func(t *testing.T, connect func(t *testing.T, impl Connector) Connector)) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) { test(t, tr.connect) })
	}
}

func fullSpec() schema.Spec {
	return schema.Spec{
		Type: "demo-api", Name: "Demo API", Description: "a demo", Version: "1.2.3",
		Fields: []schema.Field{
			{Key: "s", Label: "S", Help: "h", Kind: schema.KindString, Required: true, View: schema.ViewSimple},
			{Key: "t", Label: "T", Kind: schema.KindText, Secret: true, View: schema.ViewSimple},
			{Key: "b", Label: "B", Kind: schema.KindBool, Default: "true", View: schema.ViewHTTP},
			{Key: "i", Label: "I", Kind: schema.KindInt, Default: "12", View: schema.ViewHTTP},
			{Key: "e", Label: "E", Kind: schema.KindEnum, Options: []string{"x", "y"}, View: schema.ViewHTTP},
			{Key: "u", Label: "U", Kind: schema.KindURL, Default: "https://example.com", View: schema.ViewHTTP},
		},
	}
}

func TestGetSchemaRoundTrip(t *testing.T) {
	conn := connect(t, &fakeConnector{spec: fullSpec()})
	got, err := conn.GetSchema(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(fullSpec(), got); diff != "" {
		t.Errorf("spec (-want +got):\n%s", diff)
	}
}

var valueCmp = cmp.Comparer(func(a, b schema.Value) bool { return a.Type() == b.Type() && a.Text() == b.Text() })

func TestValidateCarriesTypedConfigAndDiagnostics(t *testing.T) {
	diags := schema.Diagnostics{
		schema.Errorf("s", "missing_required", "set it", "S is required"),
		schema.Warningf("", "old_version", "", "version %d is old", 11),
	}
	impl := &fakeConnector{diags: diags}
	conn := connect(t, impl)
	cfg := schema.Config{"s": schema.StringValue(" spaced\n"), "b": schema.BoolValue(false), "i": schema.IntValue(-7), "n": {}}
	got, err := conn.Validate(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(diags, got); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(cfg, impl.gotCfg, valueCmp); diff != "" {
		t.Errorf("config at the plugin (-want +got):\n%s", diff)
	}
}

func TestPingRoundTrip(t *testing.T) {
	want := PingResult{
		OK: true, Latency: 1234 * time.Microsecond,
		Diagnostics: schema.Diagnostics{schema.Warningf("", "throttled", "wait", "throttled")},
		Facts:       []Fact{{"api_version", "12"}, {"rate_limit_remaining", "4"}},
	}
	conn := connect(t, &fakeConnector{ping: want})
	got, err := conn.Ping(context.Background(), schema.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ping (-want +got):\n%s", diff)
	}
}

func TestDoRequestStreamsHeadThenBody(t *testing.T) {
	eachTransport(t, func(t *testing.T, connect func(*testing.T, Connector) Connector) {
		body := bytes.Repeat([]byte("0123456789abcdef"), 5<<20/16+3) // over gRPC's 4 MiB default message size
		head := ResponseHead{
			Status: 200, Header: []Header{{"Content-Type", "application/json"}, {"X-Rate-Limit-Remaining", "9"}},
			Attempts: 2, Waited: 1500 * time.Millisecond,
			RateLimit:   &RateLimit{Scope: "account", Limit: 10, Remaining: 9, Reset: time.Unix(1700000000, 0)},
			Diagnostics: schema.Diagnostics{schema.Warningf("", "retried", "", "retried once after a 503")},
			Budgets: []RateLimit{{Scope: "account", Limit: 10, Remaining: 9, Reset: time.Unix(1700000000, 0)},
				{Scope: "user", Limit: 450, Remaining: -1, Reset: time.Unix(1700000060, 0)}},
		}
		impl := &fakeConnector{head: head, body: bytes.NewReader(body)}
		conn := connect(t, impl)
		req := Request{
			Method: "POST", URL: "accounts/abc/campaigns",
			Query:  []Param{{"name", "a"}, {"ids", "1"}, {"ids", "2"}, {"empty", ""}},
			Header: []Header{{"Content-Type", "application/json"}}, Body: []byte(`[{"x":1}]`),
			Timeout: time.Minute, MaxAttempts: 3, MaxWait: 30 * time.Second,
		}
		resp, err := conn.DoRequest(context.Background(), schema.Config{"k": schema.StringValue("v")}, req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if diff := cmp.Diff(head, resp.ResponseHead); diff != "" {
			t.Errorf("head (-want +got):\n%s", diff)
		}
		if got := resp.HeaderValue("x-rate-limit-remaining"); got != "9" {
			t.Errorf("HeaderValue = %q", got)
		}
		got, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, body) {
			t.Errorf("body: got %d bytes, want %d, equal prefix %v", len(got), len(body), bytes.HasPrefix(body, got))
		}
		if diff := cmp.Diff(req, impl.gotReq); diff != "" {
			t.Errorf("request at the plugin (-want +got):\n%s", diff)
		}
	})
}

func TestDoRequestEmptyBody(t *testing.T) {
	eachTransport(t, func(t *testing.T, connect func(*testing.T, Connector) Connector) {
		conn := connect(t, &fakeConnector{head: ResponseHead{Status: 204}, body: strings.NewReader("")})
		resp, err := conn.DoRequest(context.Background(), nil, Request{Method: "DELETE", URL: "x"})
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(resp.Body)
		if err != nil || len(b) != 0 || resp.Status != 204 {
			t.Errorf("status %d body %q err %v", resp.Status, b, err)
		}
	})
}

func TestDoRequestBodyTooLargeIsADiagnostic(t *testing.T) {
	eachTransport(t, func(t *testing.T, connect func(*testing.T, Connector) Connector) {
		impl := &fakeConnector{head: ResponseHead{Status: 200}, body: strings.NewReader("")}
		conn := connect(t, impl)
		resp, err := conn.DoRequest(context.Background(), nil, Request{Method: "POST", URL: "x", Body: make([]byte, MaxRequestBody+1)})
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Code != CodeBodyTooLarge || resp.Status != 0 {
			t.Fatalf("head = %+v", resp.ResponseHead)
		}
		if want := "the request body is 32.0 MiB; the limit is 32 MiB"; resp.Diagnostics[0].Summary != want {
			t.Errorf("summary = %q, want %q", resp.Diagnostics[0].Summary, want)
		}
		if impl.gotReq.Method != "" {
			t.Error("the oversized request reached the plugin")
		}
	})
}

func TestClosingTheBodyCancelsThePluginSide(t *testing.T) {
	eachTransport(t, func(t *testing.T, connect func(*testing.T, Connector) Connector) {
		done := make(chan struct{})
		conn := connect(t, &fakeConnector{head: ResponseHead{Status: 200}, canceled: done})
		resp, err := conn.DoRequest(context.Background(), nil, Request{Method: "GET", URL: "big"})
		if err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 5)
		if _, err := io.ReadFull(resp.Body, buf); err != nil || string(buf) != "first" {
			t.Fatalf("first chunk %q %v", buf, err)
		}
		resp.Body.Close()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatal("the plugin never saw the cancellation")
		}
		if _, err := resp.Body.Read(buf); err == nil {
			t.Error("read after close succeeded")
		}
	})
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("connection reset by peer") }

func TestBodyErrorReachesTheReader(t *testing.T) {
	eachTransport(t, func(t *testing.T, connect func(*testing.T, Connector) Connector) {
		conn := connect(t, &fakeConnector{head: ResponseHead{Status: 200}, body: io.MultiReader(strings.NewReader("partial"), failingReader{})})
		resp, err := conn.DoRequest(context.Background(), nil, Request{Method: "GET", URL: "x"})
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(resp.Body)
		if err == nil || !strings.Contains(err.Error(), "connection reset by peer") {
			t.Errorf("err = %v, want the reset", err)
		}
		if string(got) != "partial" {
			t.Errorf("got %q before the error", got)
		}
	})
}

func TestImplementationErrorsAreCallErrors(t *testing.T) {
	conn := connect(t, &fakeConnector{err: errors.New("disk on fire")})
	_, err := conn.Validate(context.Background(), nil)
	if err == nil || err.Error() != "Validate: plugin error: Validate: disk on fire" {
		t.Errorf("Validate err = %v", err)
	}
	if _, err := conn.DoRequest(context.Background(), nil, Request{}); err == nil {
		t.Error("DoRequest: no error")
	}
}

func TestProtocolVersionMatchesProtoPackage(t *testing.T) {
	pkg := string(pb.File_shared_proto_connectorv1_connector_proto.Package())
	if want := "integrator.connector.v1"; pkg != want || !strings.HasSuffix(pkg, ".v"+string(rune('0'+ProtocolVersion))) {
		t.Errorf("proto package %q, ProtocolVersion %d: change them together", pkg, ProtocolVersion)
	}
}

// On the wire, a small body travels inside the head message, and a larger
// one starts there and goes on in chunks; a host that does not ask for
// that gets the body in chunks only.
func TestSmallBodiesTravelInTheHead(t *testing.T) {
	for _, tc := range []struct {
		name     string
		body     io.Reader
		messages int
		complete bool
		start    int
		oldHost  bool // a host that does not ask for the body in the head
	}{
		{"small, EOF with the data (as net/http does)", &eofWithData{[]byte(`{"data":[]}`)}, 1, true, 11, false},
		{"small, EOF on the next read", strings.NewReader(`{"data":[]}`), 1, false, 11, false},
		{"no body", nil, 1, true, 0, false},
		{"larger", bytes.NewReader(make([]byte, 100<<10)), 3, false, firstChunk, false}, // 16 KiB, then 32 and 52
		{"trickle", io.MultiReader(strings.NewReader("a"), strings.NewReader("b")), 2, false, 1, false},
		{"old host, small", &eofWithData{[]byte(`{"data":[]}`)}, 2, false, 0, true},
		{"old host, no body", nil, 1, false, 0, true},
		{"old host, larger", bytes.NewReader(make([]byte, 100<<10)), 4, false, 0, true}, // 16, 32, 52 KiB
	} {
		t.Run(tc.name, func(t *testing.T) {
			impl := &fakeConnector{head: ResponseHead{Status: 200}, body: tc.body}
			rpc := pb.NewConnectorClient(dial(t, impl, serverOptions(nil), dialOptions()))
			stream, err := rpc.DoRequest(context.Background(), &pb.DoRequestRequest{
				Request: &pb.HTTPRequest{Method: "GET", Url: "x"}, BodyInHead: !tc.oldHost})
			if err != nil {
				t.Fatal(err)
			}
			var msgs []*pb.DoRequestResponse
			for {
				m, err := stream.Recv()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				msgs = append(msgs, m)
			}
			head := msgs[0].GetHead()
			if len(msgs) != tc.messages || head.GetBodyComplete() != tc.complete || len(head.GetBodyStart()) != tc.start {
				t.Errorf("%d messages, head complete %v with %d body bytes; want %d, %v, %d",
					len(msgs), head.GetBodyComplete(), len(head.GetBodyStart()), tc.messages, tc.complete, tc.start)
			}
		})
	}
}

// eofWithData returns all its data and io.EOF from one Read.
type eofWithData struct{ b []byte }

func (r *eofWithData) Read(p []byte) (int, error) {
	n := copy(p, r.b)
	r.b = r.b[n:]
	if len(r.b) == 0 {
		return n, io.EOF
	}
	return n, nil
}
