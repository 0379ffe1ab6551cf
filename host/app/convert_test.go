package app

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openintegrator/integrator/host/plugins"
	"github.com/openintegrator/integrator/host/store"
	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// The conversion tests use, besides the Twitter Ads plugin, the real
// universal HTTP connector's plugin and a "legacy-ads" plugin
// (testdata/legacyplugin) that declares a conversion to twitter-ads and
// calls no API. They are built once, beside the plugin TestMain built.
var (
	convertBinsOnce sync.Once
	convertBinsErr  error
)

// convertPlugin returns the path of the built plugin of type typ.
func convertPlugin(t *testing.T, typ string) string {
	t.Helper()
	convertBinsOnce.Do(func() {
		_, file, _, _ := runtime.Caller(0)
		root := filepath.Join(filepath.Dir(file), "..", "..")
		for typ, pkg := range map[string]string{"http": "./plugin/cmd/integrator-connector-http", "legacy-ads": "./host/app/testdata/legacyplugin"} {
			cmd := exec.Command("go", "build", "-o", filepath.Join(filepath.Dir(pluginBin), plugins.Prefix+typ), pkg)
			cmd.Dir = root
			if b, err := cmd.CombinedOutput(); err != nil {
				convertBinsErr = errors.Join(convertBinsErr, errors.New(pkg+": "+err.Error()+"\n"+string(b)))
			}
		}
	})
	if convertBinsErr != nil {
		t.Fatal(convertBinsErr)
	}
	if typ == pluginType {
		return pluginBin
	}
	return filepath.Join(filepath.Dir(pluginBin), plugins.Prefix+typ)
}

// convertApp is an App with its own home and a plugin folder holding the
// plugins of the given types.
func convertApp(t *testing.T, types ...string) (*App, *env) {
	t.Helper()
	dir := t.TempDir()
	for _, typ := range types {
		b, err := os.ReadFile(convertPlugin(t, typ))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, plugins.Prefix+typ), b, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	e := &env{vars: map[string]string{"INTEGRATOR_HOME": t.TempDir()}}
	a := New(Options{Getenv: e.get, PluginDirs: []string{dir}, LogLevel: "warn"})
	t.Cleanup(a.Close)
	return a, e
}

// saveDraft validates, tests and saves a draft.
func saveDraft(t *testing.T, d *Draft, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ctx := testCtx(t)
	if _, err := d.Validate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Test(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Save(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestConvertConnection: a Twitter Ads connection to the simulator
// becomes an http connection as its plugin declares it. A dry run shows
// the settings and changes nothing; the conversion keeps the name and id,
// carries the secrets over (shown only as set), leaves account_id behind,
// records the passing test, and the converted connection answers a
// request with the bytes the Twitter Ads one did.
func TestConvertConnection(t *testing.T) {
	ctx := testCtx(t)
	a, e := convertApp(t, pluginType, "http")
	s := startSim(t)
	create(t, a, e, s, "Prod") // with account_id: the simulator's ready line has one
	before, _ := a.Connection(ctx, "Prod")
	req := shared.Request{Method: "GET", URL: "accounts/" + s["account_id"] + "/campaigns", Query: []shared.Param{{Key: "count", Value: "3"}}}
	twBody := requestBody(t, a, "Prod", req)

	dry, err := a.ConvertConnection(ctx, ConvertConnection{Name: "prod", To: "http", DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if after, _ := a.Connection(ctx, "Prod"); !cmp.Equal(before, after) {
		t.Errorf("the dry run changed the connection:\n%s", cmp.Diff(before, after))
	}
	got, err := a.ConvertConnection(ctx, ConvertConnection{Name: "prod", To: "http"})
	if err != nil {
		t.Fatalf("%v (%v)", err, got.Diagnostics)
	}
	if !dry.DryRun || got.DryRun || !cmp.Equal(dry.Settings, got.Settings) {
		t.Errorf("the dry run showed other settings:\n%s", cmp.Diff(dry.Settings, got.Settings))
	}
	if got.Name != "Prod" || got.ID != before.ID || got.From != pluginType || got.To != "http" || got.Test == nil || !got.Test.OK {
		t.Errorf("converted: %+v", got)
	}
	if diff := cmp.Diff([]string{"consumer_secret", "access_token", "token_secret"}, got.Secrets()); diff != "" {
		t.Errorf("secrets carried over (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"account_id"}, got.LeftBehind); diff != "" || len(got.Notes) == 0 {
		t.Errorf("left behind (-want +got):\n%s\nnotes: %v", diff, got.Notes)
	}
	settings := map[string]ConvertedSetting{}
	for _, st := range got.Settings {
		settings[st.Key] = st
	}
	if settings["base_uri"].Value != s["url"]+"/12" || settings["consumer_secret"] != (ConvertedSetting{Key: "consumer_secret", Value: schema.Redacted, Secret: true, From: "consumer_secret"}) {
		t.Errorf("settings: %+v", got.Settings)
	}

	after, err := a.Connection(ctx, "Prod")
	if err != nil {
		t.Fatal(err)
	}
	if after.ID != before.ID || after.Type != "http" || after.LastTest == nil || !after.LastTest.OK || after.Settings["consumer_secret"] != schema.Redacted ||
		after.Settings["base_uri"] != s["url"]+"/12" || after.Settings["account_id"] != "" {
		t.Errorf("after: %+v", after)
	}
	shown, _ := json.Marshal([]any{after, got, got.Diagnostics, got.Test, dry})
	for key, secret := range s.secrets(spec(t, a)) {
		if strings.Contains(string(shown), secret) {
			t.Errorf("the value of %s shows: %s", key, shown)
		}
	}
	if res, err := a.TestConnection(ctx, "Prod"); err != nil || !res.OK {
		t.Errorf("testing the converted connection: %+v %v", res, err)
	}
	if hBody := requestBody(t, a, "Prod", req); hBody != twBody {
		t.Errorf("the converted connection answers\n%s\nthe Twitter Ads one answered\n%s", hBody, twBody)
	}
}

// requestBody sends req through the saved connection name.
func requestBody(t *testing.T, a *App, name string, req shared.Request) string {
	t.Helper()
	ctx := testCtx(t)
	conn, err := a.OpenConnection(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	resp, err := conn.DoRequest(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.Status != 200 {
		t.Fatalf("%s: %d %s %v", name, resp.Status, b, resp.Diagnostics)
	}
	return string(b)
}

// A conversion that cannot be made changes nothing: the type it has, a
// type its connector does not convert to, a type whose plugin is missing,
// a run in progress, settings the new type's plugin refuses, a test that
// fails. The connection still works as it was.
func TestConvertConnectionRefusals(t *testing.T) {
	ctx := testCtx(t)
	a, e := convertApp(t, pluginType, "legacy-ads") // no http plugin
	s := startSim(t)
	create(t, a, e, s, "Prod")
	legacy := func(name, version, tokenSecret string) {
		e.set("LEGACY_SECRET", s["consumer_secret"])
		e.set("LEGACY_TOKEN", s["access_token"])
		e.set("LEGACY_TOKEN_SECRET", tokenSecret)
		d, err := a.NewConnection(ctx, NewConnection{Type: "legacy-ads", Name: name, Settings: Settings{
			Set:       []string{"endpoint=" + s["url"], "app_key=" + s["consumer_key"], "version=" + version},
			SecretEnv: []string{"app_secret=LEGACY_SECRET", "user_token=LEGACY_TOKEN", "user_secret=LEGACY_TOKEN_SECRET"},
		}})
		saveDraft(t, d, err)
	}
	legacy("Old", "v12", s["token_secret"])             // twitter-ads refuses the version
	legacy("Wrong", "12", "not-the-"+s["token_secret"]) // the API refuses the credentials

	svc, err := a.service(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// hold makes an export's lease (as a run in progress holds it) on the
	// connection name; it returns its release.
	hold := func(name string) func() {
		lease, err := svc.Store.Acquire(ctx, store.Owner{Key: "export:busy", RunID: "r1", ConnectionID: connID(t, a, name), What: "export of accounts to /tmp/x.jsonl"})
		if err != nil {
			t.Fatal(err)
		}
		return lease.Release
	}
	var (
		input   *InputError
		none    *NoConversionError
		unknown *UnknownTypeError
		inUse   *InUseError
		invalid *ValidationError
		failed  *TestFailedError
		missing *NotFoundError
	)
	for _, tt := range []struct {
		name, conn, to string
		as             any
		want           string
		held           bool // a run in progress uses the connection
	}{
		{"no type", "Prod", "", &input, "to: name the connector type to convert the connection to", false},
		{"its own type", "Prod", pluginType, &input, `to: connection "Prod" is already of type twitter-ads`, false},
		{"no conversion declared", "Prod", "legacy-ads", &none, `connection "Prod" cannot be converted to legacy-ads: twitter-ads connections convert to http`, false},
		{"in use", "Old", pluginType, &inUse, "Nothing was changed: wait for it to end, or stop it, then convert the connection", true},
		{"no such connection", "Nope", "http", &missing, `no such connection: "Nope"`, false},
		{"settings the target refuses", "Old", pluginType, &invalid, `api_version: API version "v12" is not a number`, false},
		{"a failing test", "Wrong", pluginType, &failed, "the connection test failed: authentication failed", false},
	} {
		before, _ := a.Connection(ctx, tt.conn)
		release := func() {}
		if tt.held {
			release = hold(tt.conn)
		}
		got, err := a.ConvertConnection(ctx, ConvertConnection{Name: tt.conn, To: tt.to})
		release()
		if err == nil || !errors.As(err, tt.as) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want a %T saying %q", tt.name, err, tt.as, tt.want)
		}
		if after, _ := a.Connection(ctx, tt.conn); !cmp.Equal(before, after) {
			t.Errorf("%s changed the connection:\n%s", tt.name, cmp.Diff(before, after))
		}
		if tt.name == "a failing test" && (got.Test == nil || got.Test.OK) {
			t.Errorf("%s: the test's result is not given: %+v", tt.name, got.Test)
		}
	}
	if _, err := a.ConvertConnection(ctx, ConvertConnection{Name: "Prod", To: "http"}); !errors.As(err, &unknown) || !strings.Contains(err.Error(), `unknown connector type "http"`) {
		t.Errorf("no http plugin: %v", err)
	}
	if res, err := a.TestConnection(ctx, "Prod"); err != nil || !res.OK {
		t.Errorf("the connection after the refusals: %+v %v", res, err)
	}
	// The legacy connection converts once its version is one twitter-ads takes.
	e.set("LEGACY_TOKEN_SECRET", s["token_secret"])
	d, err := a.EditConnection(ctx, "Old", Settings{Set: []string{"version=12"}, SecretEnv: []string{"app_secret=LEGACY_SECRET", "user_token=LEGACY_TOKEN", "user_secret=LEGACY_TOKEN_SECRET"}})
	saveDraft(t, d, err)
	if got, err := a.ConvertConnection(ctx, ConvertConnection{Name: "Old", To: pluginType}); err != nil || got.Test == nil || !got.Test.OK {
		t.Errorf("converting the edited legacy connection: %+v %v", got, err)
	}
	if res, err := a.TestConnection(ctx, "Old"); err != nil || !res.OK {
		t.Errorf("the converted legacy connection's test: %+v %v", res, err)
	}
}

func connID(t *testing.T, a *App, name string) string {
	t.Helper()
	c, err := a.Connection(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return c.ID
}
