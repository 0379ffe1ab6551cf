package conformance

import (
	"context"
	"encoding/base64"
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// names are the checks' names in order.
var names = func() []string {
	var out []string
	for _, c := range Checks() {
		out = append(out, c.Check)
	}
	return out
}()

func checkFake(t *testing.T, f *fake, o Options) Report {
	t.Helper()
	if o.Log == nil {
		o.Log = f.log.String
	}
	if o.Timeout == 0 {
		o.Timeout = 5 * time.Second
	}
	return Check(context.Background(), f, o)
}

func TestAWellBehavedConnectorPassesEveryCheck(t *testing.T) {
	t.Parallel()
	f := newFake()
	r := checkFake(t, f, Options{})
	var got []string
	for _, res := range r.Results {
		got = append(got, res.Check)
		if !res.OK || res.Note != "" {
			t.Errorf("%s: ok %v, reason %q, note %q", res.Check, res.OK, res.Reason, res.Note)
		}
	}
	if !slices.Equal(got, names) || !r.OK() {
		t.Errorf("checks run %v (ok %v), want %v", got, r.OK(), names)
	}
	if !strings.Contains(f.log.String(), "sending GET /conformance/ok") {
		t.Errorf("the suite did not call the test API; log:\n%s", f.log)
	}
}

// TestEachCheckCatchesItsBrokenConnector breaks the well-behaved
// connector in one way at a time: the check for that way fails with a
// reason that says what is wrong, and every other check passes.
func TestEachCheckCatchesItsBrokenConnector(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		brk    func(*fake)
		opts   Options
		failed map[string]string // check -> words of its reason
	}{
		{
			name:   "a schema that cannot cross the wire",
			brk:    func(f *fake) { f.spec.Fields[1].Label = "Client \xff ID" },
			failed: map[string]string{"protocol": "GetSchema over gRPC failed"},
		},
		{
			name:   "a schema without a semantic version or help",
			brk:    func(f *fake) { f.spec.Version = "latest"; f.spec.Fields[4].Help = "" },
			failed: map[string]string{"spec": `version "latest" is not a semantic version such as 1.2.3; field "region" has no help text`},
		},
		{
			name:   "a token not marked secret",
			brk:    func(f *fake) { f.spec.Fields[3].Secret = false },
			failed: map[string]string{"secret-keys": "api_token names a credential but is not marked secret"},
		},
		{
			name: "a token not marked secret, said to be public",
			brk:  func(f *fake) { f.spec.Fields[3].Secret = false },
			opts: Options{PublicKeys: []string{"api_token"}},
		},
		{
			name:   "Validate that reports only the first missing setting",
			brk:    func(f *fake) { f.onlyFirstMissing = true },
			failed: map[string]string{"validate-empty": "reported only base_uri, not client_id, api_token, region"},
		},
		{
			name:   "Ping that reports success without asking",
			brk:    func(f *fake) { f.pingOK = true },
			failed: map[string]string{"ping-unreachable": "reported success", "ping-deadline": "reported success"},
		},
		{
			name:   "Ping whose request ignores its context",
			brk:    func(f *fake) { f.pingNoContext = true },
			opts:   Options{Timeout: time.Second},
			failed: map[string]string{"ping-deadline": "Ping of an API that accepts connections but never answers did not return within 1s of its 1s deadline"},
		},
		{
			name:   "Ping that returns an unreachable API as an error",
			brk:    func(f *fake) { f.pingError = true },
			failed: map[string]string{"ping-unreachable": "failed with an error"},
		},
		{
			name:   "a diagnostic that echoes the token",
			brk:    func(f *fake) { f.echoSecret = true },
			failed: map[string]string{"no-secret-leak": "diagnostic ping_failed holds the value of api_token"},
		},
		{
			name:   "a log line with the token",
			brk:    func(f *fake) { f.logSecret = true },
			failed: map[string]string{"no-secret-leak": `a log line holds the value of api_token: "{\"@level\":\"debug\",\"@message\":\"sending GET /ping with token <api_token>\"}"`},
		},
		{
			name:   "a response head with the token",
			brk:    func(f *fake) { f.headSecret = true },
			failed: map[string]string{"no-secret-leak": "header X-Sent-Authorization holds the value of api_token"},
		},
		{
			name:   "a response head with the token in base64",
			brk:    func(f *fake) { f.headBasic = true },
			failed: map[string]string{"no-secret-leak": "header X-Sent-Authorization holds the value of api_token"},
		},
		{
			name:   "DoRequest that sends to a foreign host",
			brk:    func(f *fake) { f.anyHost = true },
			failed: map[string]string{"foreign-host": "a host the settings (API at https://api.conformance.invalid/) do not name, reached that host: a connector refuses such a URL before it sends anything"},
		},
		{
			name: "DoRequest that sends to other loopback ports, unsigned, when the API is on loopback",
			brk:  func(f *fake) { f.loopback = true },
		},
		{
			name:   "the same, signed",
			brk:    func(f *fake) { f.loopbackSigned = true },
			failed: map[string]string{"foreign-host": "with settings for an API at http://127.0.0.1:1/, sent the value of api_token to that other port"},
		},
		{
			name: "a required setting the generic sample cannot fill",
			brk:  func(f *fake) { f.digitsID = true },
			failed: map[string]string{
				"sample-settings":  "the settings made for a test API (api_token=(test value), base_uri=http://127.0.0.1:1/, client_id=sample, region=eu) do not pass Validate: client_id: Client ID is not a number",
				"ping-unreachable": "not run: the sample settings do not pass Validate",
				"ping-deadline":    "not run",
				"foreign-host":     "not run",
			},
		},
		{
			name: "the same, given a sample value",
			brk:  func(f *fake) { f.digitsID = true },
			opts: Options{Sample: GenericSample(schema.Config{"client_id": schema.StringValue("12345")})},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := newFake()
			c.brk(f)
			r := checkFake(t, f, c.opts)
			for _, res := range r.Results {
				want, shouldFail := c.failed[res.Check]
				switch {
				case shouldFail && res.OK:
					t.Errorf("%s passed; want it to fail", res.Check)
				case shouldFail && !strings.Contains(res.Reason, want):
					t.Errorf("%s failed with\n  %s\nwant it to say %q", res.Check, res.Reason, want)
				case !shouldFail && !res.OK:
					t.Errorf("%s failed: %s", res.Check, res.Reason)
				}
			}
			if r.OK() != (len(c.failed) == 0) {
				t.Errorf("report ok %v", r.OK())
			}
		})
	}
}

// TestAPingThatHangsIsReported: a Ping that ignores its context fails
// both Ping checks once it is past twice its deadline, and the suite ends.
func TestAPingThatHangsIsReported(t *testing.T) {
	t.Parallel()
	f := newFake()
	f.hangPing = make(chan struct{})
	t.Cleanup(func() { close(f.hangPing) })
	r := checkFake(t, f, Options{Timeout: 500 * time.Millisecond})
	for _, res := range r.Results {
		switch res.Check {
		case "ping-unreachable", "ping-deadline":
			if res.OK || !strings.Contains(res.Reason, "did not return within 1s of its 500ms deadline: a connector must return when its context ends") {
				t.Errorf("%s: ok %v, reason %q", res.Check, res.OK, res.Reason)
			}
		case "no-secret-leak":
			if !res.OK || !strings.Contains(res.Note, "a call did not return in time") {
				t.Errorf("%s: ok %v, reason %q, note %q", res.Check, res.OK, res.Reason, res.Note)
			}
		default:
			if !res.OK {
				t.Errorf("%s failed: %s", res.Check, res.Reason)
			}
		}
	}
}

func TestAConnectorWithoutASchemaRunsNoCheck(t *testing.T) {
	t.Parallel()
	f := newFake()
	f.schemaErr = errors.New("no schema today")
	r := checkFake(t, f, Options{})
	for _, res := range r.Results {
		if res.OK || !strings.Contains(res.Reason, "not run: GetSchema failed: no schema today") {
			t.Errorf("%s: ok %v, reason %q", res.Check, res.OK, res.Reason)
		}
	}
}

func TestRunTellsTheTest(t *testing.T) {
	t.Parallel()
	var good, bad recorder
	Run(&good, newFake(), Options{})
	if len(good.errors) != 0 || len(good.logs) != len(names) ||
		good.logs[0] != "conformance check protocol: ok" || !strings.Contains(good.logs[len(names)-1], "its log was not checked") {
		t.Errorf("a good connector: errors %q, logs %q", good.errors, good.logs)
	}
	f := newFake()
	f.echoSecret = true
	Run(&bad, f, Options{})
	if len(bad.errors) != 1 || !strings.HasPrefix(bad.errors[0], "conformance check no-secret-leak: FAILED: secret values were given to the connector and it repeated them") {
		t.Errorf("a leaking connector: errors %q", bad.errors)
	}
	if regexp.MustCompile(CanaryPattern).MatchString(strings.Join(bad.errors, "")) {
		t.Errorf("the failure shows the test secret itself: %q", bad.errors)
	}
}

func TestCheckPlugin(t *testing.T) {
	t.Parallel()
	f := newFake()
	protocol := func(p Plugin) Result {
		t.Helper()
		r := CheckPlugin(context.Background(), p, Options{Log: f.log.String, Timeout: 5 * time.Second})
		for _, res := range r.Results[1:] {
			if !res.OK {
				t.Errorf("%s failed: %s", res.Check, res.Reason)
			}
		}
		return r.Results[0]
	}
	if res := protocol(Plugin{Connector: f, Protocol: shared.ProtocolVersion, Spec: fakeSpec()}); !res.OK {
		t.Errorf("a plugin that speaks this protocol: %s", res.Reason)
	}
	if res := protocol(Plugin{Connector: f, Protocol: 2, Spec: fakeSpec()}); res.OK || res.Reason != "the handshake agreed on plugin protocol 2, but this contract is protocol 1" {
		t.Errorf("protocol 2: ok %v, %q", res.OK, res.Reason)
	}
	other := fakeSpec()
	other.Fields[2].Help = "another help"
	if res := protocol(Plugin{Connector: f, Protocol: shared.ProtocolVersion, Spec: other}); res.OK || res.Reason != `GetSchema answered another schema than at start: field "consumer_key": its Help differs` {
		t.Errorf("another schema: ok %v, %q", res.OK, res.Reason)
	}
}

func TestNotStarted(t *testing.T) {
	r := NotStarted(errors.New("it speaks plugin protocol 2"))
	if r.OK() || len(r.Results) != len(names) || r.Results[0].Reason != "the plugin did not start: it speaks plugin protocol 2" ||
		r.Results[1].Reason != "not run: the plugin did not start" {
		t.Errorf("%+v", r)
	}
}

func TestCredentialLikeKeys(t *testing.T) {
	for key, want := range map[string]bool{
		"access_token": true, "token_secret": true, "consumer_secret": true, "private_key": true, "api_key": true,
		"apiKey": true, "APIKEY": true, "password": true, "db-password": true, "client.secret": true, "refresh_token": true,
		"key": true, "passphrase": true, "consumer_key": true, // public by DefaultPublicKeys, not by this rule
		"token_url": false, "api_key_header": false, "password_env": false, "base_uri": false, "signature_method": false,
		"account_id": false, "monkey": false, "keyboard_layout": false, "tokenizer": false, "ping_fail_values": false,
	} {
		if got := credentialLike(key); got != want {
			t.Errorf("credentialLike(%q) = %v, want %v", key, got, want)
		}
	}
}

func TestGenericSample(t *testing.T) {
	spec := fakeSpec()
	spec.Fields = append(spec.Fields, schema.Field{Key: "callback_url", Label: "Callback", Help: "h", Kind: schema.KindURL, View: schema.ViewHTTP})
	c := newCanaries()
	cfg := GenericSample(schema.Config{"client_id": schema.StringValue("given")})(spec, "http://127.0.0.1:9/", c.of)
	want := map[string]string{
		"base_uri": "http://127.0.0.1:9/", "callback_url": "http://127.0.0.1:9/", "client_id": "given",
		"api_token": c.of("api_token"), "region": "eu",
	}
	if len(cfg) != len(want) {
		t.Errorf("keys %v, want %d", cfg.Keys(), len(want))
	}
	for k, v := range want {
		if cfg.Text(k) != v {
			t.Errorf("%s = %q, want %q", k, cfg.Text(k), v)
		}
	}
	if !regexp.MustCompile(`^`+CanaryPattern+`$`).MatchString(c.of("api_token")) || c.of("api_token") == c.of("other") {
		t.Errorf("canaries %q and %q", c.of("api_token"), c.of("other"))
	}
}

func TestScannerFindsEncodedSecrets(t *testing.T) {
	c := newCanaries()
	sc := newScanner([]string{"a"}, []string{c.of("a")})
	for _, prefix := range []string{"", "u", "us", "use", "user:"} {
		for _, enc := range []func([]byte) string{b64std, b64url} {
			text := "Basic " + enc([]byte(prefix+c.of("a")+":tail"))
			if key, ok := sc.find(text); !ok || key != "a" {
				t.Errorf("not found in %q (prefix %q)", text, prefix)
			}
		}
	}
	if _, ok := sc.find("nothing " + c.of("b")); ok {
		t.Error("another value was found")
	}
}

func TestSpecDiff(t *testing.T) {
	a, b := fakeSpec(), fakeSpec()
	a.Fields[0].Options, b.Fields[0].Options = nil, []string{}
	if d := specDiff(a, b); d != "" {
		t.Errorf("empty and nil options differ: %s", d)
	}
	b.Name = "Other"
	if d := specDiff(a, b); d != "its Name differs" {
		t.Errorf("got %q", d)
	}
}

func b64std(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
func b64url(b []byte) string { return base64.URLEncoding.EncodeToString(b) }
