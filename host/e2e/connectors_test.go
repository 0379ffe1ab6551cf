package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestConnectorsListFindsThePluginBesideTheBinary(t *testing.T) {
	r := integrator(t, t.TempDir(), nil, "connectors", "list")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[1], "twitter-ads") || !strings.Contains(lines[1], "Twitter Ads") {
		t.Errorf("stdout:\n%s", r.stdout)
	}
	if r.stderr != "" {
		t.Errorf("stderr should be empty, got:\n%s", r.stderr)
	}
}

func TestConnectorsListJSON(t *testing.T) {
	r := integrator(t, t.TempDir(), nil, "connectors", "list", "--json")
	var got []map[string]string
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || r.code != 0 {
		t.Fatalf("exit %d, %v:\n%s\n%s", r.code, err, r.stdout, r.stderr)
	}
	if len(got) != 1 {
		t.Fatalf("got %d connectors", len(got))
	}
	c := got[0]
	want := map[string]string{"type": "twitter-ads", "name": "Twitter Ads", "plugin": filepath.Join(bin, "plugins", "integrator-connector-twitter-ads")}
	for k, v := range want {
		if c[k] != v {
			t.Errorf("%s = %q, want %q", k, c[k], v)
		}
	}
	if c["version"] == "" || c["description"] == "" {
		t.Errorf("version %q description %q", c["version"], c["description"])
	}
}

func TestConnectorsShowJSONMatchesTheSpecTable(t *testing.T) {
	r := integrator(t, t.TempDir(), nil, "connectors", "show", "twitter-ads", "--json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var got struct {
		Type, Name, Description, Version string
		Fields                           []struct {
			Key, Label, Help, Kind, View string
			Required, Secret, Fixed      bool
			Default                      *string
		}
		Conversions []struct{ To string }
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatal(err)
	}
	type row struct {
		Key, Label, Kind string
		Required, Secret bool
		View, Default    string
		Fixed            bool
	}
	var rows []row
	for _, f := range got.Fields {
		d := "<null>"
		if f.Default != nil {
			d = *f.Default
		}
		rows = append(rows, row{f.Key, f.Label, f.Kind, f.Required, f.Secret, f.View, d, f.Fixed})
		if f.Help == "" {
			t.Errorf("%s has no help", f.Key)
		}
	}
	want := []row{
		{"consumer_key", "Consumer key", "string", true, false, "simple", "<null>", false},
		{"consumer_secret", "Consumer secret", "string", true, true, "simple", "<null>", false},
		{"access_token", "Access token", "string", true, true, "simple", "<null>", false},
		{"token_secret", "Token secret", "string", true, true, "simple", "<null>", false},
		{"account_id", "Ads account ID", "string", false, false, "simple", "<null>", false}, // with the connection's settings (issue 16)
		{"base_uri", "Base URI", "url", false, false, "http", "https://ads-api.x.com", false},
		{"api_version", "API version", "string", false, false, "http", "12", false},
		// The HTTP view: the universal http connector's settings, fixed at the X Ads values.
		{"signature_method", "Signature method", "enum", false, false, "http", "HMAC-SHA1", true},
		{"oauth_params_in", "OAuth parameters in", "enum", false, false, "http", "header", true},
		{"body_hash", "Body hash", "bool", false, false, "http", "false", true},
		{"paging", "Paging", "enum", false, false, "http", "cursor", true},
		{"records_path", "Records path", "string", false, false, "http", "data", true},
		{"cursor_param", "Cursor parameter", "string", false, false, "http", "cursor", true},
		{"next_cursor_path", "Next cursor path", "string", false, false, "http", "next_cursor", true},
		{"total_path", "Total path", "string", false, false, "http", "total_count", true},
		{"rate_limit_status", "Rate limit status", "int", false, false, "http", "429", true},
		{"retry_after_header", "Retry-After header", "string", false, false, "http", "Retry-After", true},
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
	if got.Type != "twitter-ads" || got.Name != "Twitter Ads" || got.Version == "" || got.Description == "" ||
		len(got.Conversions) != 1 || got.Conversions[0].To != "http" {
		t.Errorf("head: %+v", got)
	}
	var raw map[string]json.RawMessage
	_ = json.Unmarshal([]byte(r.stdout), &raw)
	if diff := cmp.Diff([]string{"conversions", "description", "fields", "name", "type", "version"}, keys(raw)); diff != "" {
		t.Errorf("top-level keys (-want +got):\n%s", diff)
	}
}

func keys(m map[string]json.RawMessage) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestConnectorsShowText(t *testing.T) {
	r := integrator(t, t.TempDir(), nil, "connectors", "show", "twitter-ads")
	for _, want := range []string{"Twitter Ads (twitter-ads)", "consumer_secret  Consumer secret  [string, required, secret]", "default https://ads-api.x.com", "HTTP settings"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("missing %q in:\n%s", want, r.stdout)
		}
	}
}

func TestUnknownTypeIsAClearError(t *testing.T) {
	r := integrator(t, t.TempDir(), nil, "connectors", "show", "facebook-ads")
	if r.code == 0 || r.stdout != "" {
		t.Fatalf("exit %d stdout %q", r.code, r.stdout)
	}
	want := `error: unknown connector type "facebook-ads"; known types: twitter-ads (see 'integrator connectors list')`
	if strings.TrimSpace(r.stderr) != want {
		t.Errorf("stderr = %q, want %q", r.stderr, want)
	}
}

func TestPluginInIntegratorHome(t *testing.T) {
	home := t.TempDir()
	// A host binary with no plugins folder beside it.
	lone := filepath.Join(t.TempDir(), "integrator")
	copyFile(t, filepath.Join(bin, "integrator"), lone, 0o755)
	copyFile(t, filepath.Join(bin, "plugins", "integrator-connector-twitter-ads"), filepath.Join(home, "plugins", "integrator-connector-twitter-ads"), 0o755)
	r := runBinary(t, lone, home, "plugins", "list", "--json")
	var got []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("%v: %s %s", err, r.stdout, r.stderr)
	}
	if len(got) != 1 || got[0]["status"] != "ok" || got[0]["path"] != filepath.Join(home, "plugins", "integrator-connector-twitter-ads") {
		t.Errorf("plugins: %v", got)
	}
}

func TestLogLevelReachesThePlugin(t *testing.T) {
	home := t.TempDir()
	quiet := integrator(t, home, nil, "connectors", "list")
	if quiet.stderr != "" {
		t.Errorf("default level logged:\n%s", quiet.stderr)
	}
	// plugins list starts every plugin; connectors list may take the
	// schema from the cache without starting it.
	for _, args := range [][]string{
		{"--log-level", "debug", "plugins", "list"},
	} {
		r := integrator(t, home, nil, args...)
		if !strings.Contains(r.stderr, "integrator.plugin.integrator-connector-twitter-ads:") {
			t.Errorf("%v: no plugin log lines in stderr:\n%s", args, r.stderr)
		}
	}
	r := integrator(t, home, []string{"INTEGRATOR_LOG_LEVEL=debug"}, "plugins", "list")
	if !strings.Contains(r.stderr, "integrator.plugin.integrator-connector-twitter-ads:") {
		t.Errorf("INTEGRATOR_LOG_LEVEL=debug: no plugin log lines:\n%s", r.stderr)
	}
	bad := integrator(t, home, nil, "--log-level", "loud", "connectors", "list")
	if bad.code == 0 || !strings.Contains(bad.stderr, `invalid log level "loud": use one of trace, debug, info, warn, error, off`) {
		t.Errorf("bad level: exit %d stderr %q", bad.code, bad.stderr)
	}
	bad = integrator(t, home, []string{"INTEGRATOR_PLUGIN_GOMAXPROCS=many"}, "connectors", "list")
	if bad.code == 0 || !strings.Contains(bad.stderr, `INTEGRATOR_PLUGIN_GOMAXPROCS="many": use a whole number of processors, 1 or more, or unset it for 1`) {
		t.Errorf("bad plugin GOMAXPROCS: exit %d stderr %q", bad.code, bad.stderr)
	}
}

func copyFile(t *testing.T, from, to string, mode os.FileMode) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, mode); err != nil {
		t.Fatal(err)
	}
}
