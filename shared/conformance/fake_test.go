package conformance

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// fake is a small connector for an imaginary bearer-token API that passes
// every check; each of its switches breaks it the way a careless
// connector would be broken.
type fake struct {
	spec schema.Spec
	log  *syncBuffer

	digitsID         bool          // Validate wants a client_id of digits
	onlyFirstMissing bool          // Validate stops at the first missing setting
	hangPing         chan struct{} // Ping waits for this to close, ignoring its context
	pingNoContext    bool          // Ping's request ignores the context (and has no timeout)
	pingOK           bool          // Ping reports success without asking the API
	pingError        bool          // Ping returns an API it cannot reach as an error
	echoSecret       bool          // Ping's diagnostics repeat the token
	logSecret        bool          // the token is logged at debug level
	headSecret       bool          // the response head carries the Authorization it sent
	headBasic        bool          // ... as a Basic header
	anyHost          bool          // DoRequest sends to any absolute URL
	loopback         bool          // with a loopback base URI, DoRequest sends to any loopback URL, unsigned
	loopbackSigned   bool          // ... signed
	schemaErr        error         // GetSchema fails
}

func fakeSpec() schema.Spec {
	return schema.Spec{
		Type: "fake-api", Name: "Fake API", Description: "An imaginary API for the conformance tests.", Version: "1.0.0",
		Fields: []schema.Field{
			{Key: "base_uri", Label: "Base URI", Help: "Where the API is served.", Kind: schema.KindURL, Required: true, View: schema.ViewSimple},
			{Key: "client_id", Label: "Client ID", Help: "The app's id.", Kind: schema.KindString, Required: true, View: schema.ViewSimple},
			{Key: "consumer_key", Label: "Consumer key", Help: "Public by design.", Kind: schema.KindString, View: schema.ViewSimple},
			{Key: "api_token", Label: "API token", Help: "The token.", Kind: schema.KindString, Required: true, Secret: true, View: schema.ViewSimple},
			{Key: "region", Label: "Region", Help: "Where the account lives.", Kind: schema.KindEnum, Options: []string{"eu", "us"}, Required: true, View: schema.ViewSimple},
			{Key: "page_size", Label: "Page size", Help: "Records per page.", Kind: schema.KindInt, Default: "100", View: schema.ViewHTTP},
		},
	}
}

func newFake() *fake { return &fake{spec: fakeSpec(), log: &syncBuffer{}} }

func (f *fake) GetSchema(context.Context) (schema.Spec, error) { return f.spec, f.schemaErr }

func (f *fake) Validate(_ context.Context, cfg schema.Config) (schema.Diagnostics, error) {
	ds := f.spec.Validate(cfg)
	if id := cfg.Text("client_id"); f.digitsID && id != "" && strings.Trim(id, "0123456789") != "" {
		ds = append(ds, schema.Errorf("client_id", "not_a_number", "", "Client ID is not a number"))
	}
	if f.onlyFirstMissing && len(ds) > 1 {
		ds = ds[:1]
	}
	return ds, nil
}

func (f *fake) logf(format string, args ...any) {
	fmt.Fprintf(f.log, `{"@level":"debug","@message":%q}`+"\n", fmt.Sprintf(format, args...))
}

func (f *fake) Ping(ctx context.Context, cfg schema.Config) (shared.PingResult, error) {
	if ds := f.spec.Validate(cfg); ds.HasError() {
		return shared.PingResult{Diagnostics: ds}, nil
	}
	if f.hangPing != nil {
		<-f.hangPing
	}
	if f.pingOK {
		return shared.PingResult{OK: true}, nil
	}
	sendCtx := ctx
	if f.pingNoContext {
		sendCtx = context.Background()
	}
	resp, err := f.send(sendCtx, cfg, http.MethodGet, "ping")
	token := cfg.Text("api_token")
	fail := func(format string, args ...any) (shared.PingResult, error) {
		d := schema.Errorf("base_uri", "ping_failed", "", format, args...)
		if f.echoSecret {
			d.Detail = "with token " + token
		}
		return shared.PingResult{Diagnostics: schema.Diagnostics{d}}, nil
	}
	switch {
	case err != nil && ctx.Err() != nil:
		return shared.PingResult{}, ctx.Err()
	case err != nil && f.pingError:
		return shared.PingResult{}, err
	case err != nil:
		return fail("the API cannot be reached: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fail("the API answered %d", resp.StatusCode)
	}
	return shared.PingResult{OK: true}, nil
}

// send makes a request with the token, to an absolute URL or a path under
// the base URI.
func (f *fake) send(ctx context.Context, cfg schema.Config, method, target string) (*http.Response, error) {
	base, _ := url.Parse(cfg.Text("base_uri"))
	u, err := base.Parse(target)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), nil)
	if err != nil {
		return nil, err
	}
	if cfg.Has("api_token") {
		req.Header.Set("Authorization", "Bearer "+cfg.Text("api_token"))
	}
	if f.logSecret {
		f.logf("sending %s %s with token %s", method, u.Path, cfg.Text("api_token"))
	} else {
		f.logf("sending %s %s", method, u.Path)
	}
	return http.DefaultClient.Do(req)
}

func (f *fake) DoRequest(ctx context.Context, cfg schema.Config, r shared.Request) (*shared.Response, error) {
	refuse := func(d schema.Diagnostic) (*shared.Response, error) {
		return &shared.Response{ResponseHead: shared.ResponseHead{Diagnostics: schema.Diagnostics{d}}, Body: shared.EmptyBody()}, nil
	}
	if ds := f.spec.Validate(cfg); ds.HasError() {
		return &shared.Response{ResponseHead: shared.ResponseHead{Diagnostics: ds}, Body: shared.EmptyBody()}, nil
	}
	u, err := url.Parse(r.URL)
	if err != nil {
		return refuse(schema.Errorf("", "bad_url", "", "the URL cannot be parsed"))
	}
	signed := true
	switch {
	case !u.IsAbs() || f.anyHost || sameOrigin(u, cfg.Text("base_uri")):
	case (f.loopback || f.loopbackSigned) && loopback(u.Hostname()) && loopback(hostOf(cfg.Text("base_uri"))):
		signed = f.loopbackSigned
	default:
		return refuse(schema.Errorf("", "foreign_host", "use a path under the base URI", "the URL is not on the API's host"))
	}
	if !signed {
		cfg = schema.Config{"base_uri": cfg["base_uri"]}
	}
	resp, err := f.send(ctx, cfg, r.Method, r.URL)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return refuse(schema.Errorf("", "network", "", "sending failed: %v", err))
	}
	head := shared.ResponseHead{Status: resp.StatusCode, Attempts: 1}
	for name, vs := range resp.Header {
		for _, v := range vs {
			head.Header = append(head.Header, shared.Header{Name: name, Value: v})
		}
	}
	if f.headSecret {
		head.Header = append(head.Header, shared.Header{Name: "X-Sent-Authorization", Value: "Bearer " + cfg.Text("api_token")})
	}
	if f.headBasic {
		basic := base64.StdEncoding.EncodeToString([]byte(cfg.Text("client_id") + ":" + cfg.Text("api_token")))
		head.Header = append(head.Header, shared.Header{Name: "X-Sent-Authorization", Value: "Basic " + basic})
	}
	return &shared.Response{ResponseHead: head, Body: resp.Body}, nil
}

func sameOrigin(u *url.URL, base string) bool {
	b, err := url.Parse(base)
	return err == nil && strings.EqualFold(u.Scheme, b.Scheme) && strings.EqualFold(u.Host, b.Host)
}

func loopback(host string) bool { return host == "localhost" || strings.HasPrefix(host, "127.") }

func hostOf(raw string) string {
	u, _ := url.Parse(raw)
	return u.Hostname()
}

// syncBuffer is a log that many goroutines write.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// recorder is a TB that keeps what it was told.
type recorder struct {
	errors, logs []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
func (r *recorder) Logf(format string, args ...any) {
	r.logs = append(r.logs, fmt.Sprintf(format, args...))
}

var (
	_ TB = (*recorder)(nil)
	_ TB = (*testing.T)(nil)
)
