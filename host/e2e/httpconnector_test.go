package e2e

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

// xadsHTTPSettings configure an http connection for the X Ads API
// simulator as the Twitter Ads connector speaks to it: HMAC-SHA1 in the
// header, cursor paging on next_cursor, the records in data.
func xadsHTTPSettings(sim simInfo) []string {
	var out []string
	for _, kv := range []string{"base_uri=" + sim.URL + "/12", "signature_method=HMAC-SHA1", "consumer_key=" + sim.ConsumerKey,
		"ping_path=accounts", "ping_error_path=errors.message", "paging=cursor", "records_path=data", "cursor_param=cursor",
		"next_cursor_path=next_cursor", "total_path=total_count",
		"rate_limit_remaining_header=x-rate-limit-remaining", "rate_limit_reset_header=x-rate-limit-reset"} {
		out = append(out, "--set", kv)
	}
	return out
}

// sortedLines is a JSON Lines file with its lines sorted.
func sortedLines(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(b), "\n")
	sort.Strings(lines)
	return []byte(strings.Join(lines, ""))
}

// TestHTTPConnectionToTheXAdsSimulator: an http connection configured for
// the X Ads API simulator passes the connection test and exports the same
// records, byte for byte after sorting, as the twitter-ads connection;
// api answers the same bytes, and import creates through it.
func TestHTTPConnectionToTheXAdsSimulator(t *testing.T) {
	t.Parallel()
	sim := launchSimulator(t, "--campaigns", "1200")
	home := t.TempDir()
	env, secretFlags := secretEnv(sim)
	mustRun(t, home, env, createArgs(sim, "Prod")...) // the twitter-ads connection the shared helpers use
	create := append(append([]string{"connections", "create", "--type", "http", "--name", "h"}, xadsHTTPSettings(sim)...), secretFlags...)
	if r := mustHX(t, home, env, create...); !strings.Contains(r.stderr, "Connection test: ok") {
		t.Fatalf("create:\n%s", r.stderr)
	}
	if r := mustHX(t, home, nil, "connections", "test", "h"); !strings.Contains(r.stderr, "Connection test: ok") {
		t.Errorf("test:\n%s%s", r.stdout, r.stderr)
	}

	dir := t.TempDir()
	campaigns := "accounts/" + sim.AccountID + "/campaigns"
	outs := map[string]string{}
	for _, name := range []string{"Prod", "h"} {
		outs[name] = filepath.Join(dir, name+".jsonl")
		mustHX(t, home, nil, "export", name, campaigns, "-F", "count=200", "-F", "with_deleted=true", "--out", outs[name])
	}
	tw, h := sortedLines(t, outs["Prod"]), sortedLines(t, outs["h"])
	if n := bytes.Count(h, []byte("\n")); n != 1200 || !bytes.Equal(tw, h) {
		t.Errorf("the http export (%d records, %d bytes) differs from the twitter-ads one (%d bytes)", n, len(h), len(tw))
	}

	args := []string{campaigns, "-F", "count=3", "-F", "sort_by=name-asc"}
	if a, b := mustHX(t, home, nil, append([]string{"api", "Prod"}, args...)...), mustHX(t, home, nil, append([]string{"api", "h"}, args...)...); a.stdout != b.stdout || !strings.Contains(b.stdout, `"data"`) {
		t.Errorf("api answers differ:\n%s\n%s", a.stdout, b.stdout)
	}

	fi := fundingInstrument(t, home, sim)
	in := filepath.Join(dir, "in.jsonl")
	var b strings.Builder
	for i := range 5 {
		fmt.Fprintf(&b, `{"account_id":%q,"name":"through http %d","funding_instrument_id":%q,"daily_budget_amount_local_micro":1000000,"entity_status":"PAUSED"}`+"\n", sim.AccountID, i, fi)
	}
	os.WriteFile(in, []byte(b.String()), 0o600)
	results := filepath.Join(dir, "results.jsonl")
	mustHX(t, home, nil, "import", "h", "-X", "POST", "accounts/{account_id}/campaigns", "--in", in, "--results", results)
	for i, res := range jsonLines(t, results) {
		if res["result"] != "ok" || res["id"] == "" {
			t.Errorf("record %d: %v", i+1, res)
		}
	}
	names := campaignNames(t, home, sim)
	for i := range 5 {
		if n := names[fmt.Sprintf("through http %d", i)]; n != 1 {
			t.Errorf("campaign %d exists %d times", i, n)
		}
	}
}

// TestHTTPConnectorSignaturesVerifiedIndependently: connections of every
// method and placement, through the real plugin, pass the connection test
// against the test API (oauth1.VerifyKeys), and every request it received
// is verified again here with crypto/hmac and crypto/rsa over a base
// string built by this test.
func TestHTTPConnectorSignaturesVerifiedIndependently(t *testing.T) {
	t.Parallel()
	api := launchTestAPI(t)
	home := t.TempDir()
	methods := []string{"HMAC-SHA1", "HMAC-SHA256", "HMAC-SHA512", "RSA-SHA1", "RSA-SHA256", "RSA-SHA512", "PLAINTEXT"}
	for _, m := range methods {
		if r := api.create(t, home, m, m); r.code != 0 || !strings.Contains(r.stderr, "Connection test: ok") {
			t.Fatalf("create %s: exit %d\n%s", m, r.code, r.stderr)
		}
		if r := mustHX(t, home, nil, "api", m, "me"); !strings.Contains(r.stdout, `"method":"`+m+`"`) {
			t.Errorf("%s: %s", m, r.stdout)
		}
	}
	for name, kv := range map[string][]string{
		"query":     {"oauth_params_in=query"},
		"body":      {"oauth_params_in=body", "media_type=urlencoded", "ping_method=POST"},
		"realm":     {"realm=Example API"},
		"body-hash": {"body_hash=true"},
	} {
		if r := api.create(t, home, name, "RSA-SHA256", kv...); r.code != 0 {
			t.Fatalf("create %s: exit %d\n%s", name, r.code, r.stderr)
		}
	}
	mustHX(t, home, nil, "api", "query", "me", "-F", "q=a b&c", "-F", "q=~!")
	mustHX(t, home, nil, "api", "body", "-X", "POST", "me", "--form", "-F", "name=x y", "-F", "n=1")
	realm := mustHX(t, home, nil, "api", "realm", "me")
	input := filepath.Join(t.TempDir(), "in.json")
	os.WriteFile(input, []byte(`{"name":"hashed"}`), 0o600)
	hashed := mustHX(t, home, nil, "api", "body-hash", "-X", "POST", "items", "--input", input)
	if !strings.Contains(realm.stdout, `"realm":"Example API"`) || !strings.Contains(hashed.stdout, `"name":"hashed"`) {
		t.Errorf("realm %s; body hash %s", realm.stdout, hashed.stdout)
	}

	seen := map[string]int{}
	for _, r := range api.requests(t) {
		method, where, err := api.verifyOAuth(r)
		if err != nil {
			t.Errorf("%s %s: %v", r.Method, r.URL, err)
		}
		seen[method]++
		seen[where]++
		// The check is no formality: another method (covered by every
		// signature but PLAINTEXT's) or another secret fails it.
		tampered, wrong := r, api
		tampered.Method, wrong.ConsumerSecret = "PATCH", api.ConsumerSecret+"x"
		if _, _, err := api.verifyOAuth(tampered); err == nil && method != "PLAINTEXT" {
			t.Errorf("%s: a tampered request verifies", method)
		}
		if _, _, err := wrong.verifyOAuth(r); err == nil && !strings.HasPrefix(method, "RSA-") {
			t.Errorf("%s: verifies with a wrong secret", method)
		}
		if strings.Contains(r.Header.Get("Authorization"), "oauth_body_hash") {
			seen["body hash"]++
		}
	}
	for _, want := range append(methods, "header", "query", "body", "body hash") {
		if seen[want] == 0 {
			t.Errorf("no request verified with %s: %v", want, seen)
		}
	}
	if n := api.counts(t)["unauthorized"]; n != 0 {
		t.Errorf("the test API refused %d requests", n)
	}
}

// TestHTTPConnectorPagingStyles: export follows each paging style the
// settings describe, every record once and in order, reading the records
// where records_path says (no --records: three of the four styles keep
// them elsewhere than in "data").
func TestHTTPConnectorPagingStyles(t *testing.T) {
	t.Parallel()
	api := launchTestAPI(t)
	home := t.TempDir()
	var want []string
	for i := 1; i <= 57; i++ {
		want = append(want, fmt.Sprintf("item-%03d", i))
	}
	for _, tt := range []struct {
		name, path string
		params     []string
		settings   []string
	}{
		{"cursor", "items/cursor", []string{"count=10"}, []string{"paging=cursor", "records_path=items", "cursor_param=cursor", "next_cursor_path=next_cursor", "total_path=total"}},
		{"next-url", "items/next", []string{"count=10"}, []string{"paging=next_url", "records_path=results", "next_url_path=next"}},
		{"page", "items/pages", []string{"per_page=10"}, []string{"paging=page", "records_path=data", "page_param=page", "page_size_param=per_page"}},
		{"link", "items/link", []string{"count=10"}, []string{"paging=link_header", "records_path=records"}},
	} {
		if r := api.create(t, home, tt.name, "HMAC-SHA1", tt.settings...); r.code != 0 {
			t.Fatalf("create %s: exit %d\n%s", tt.name, r.code, r.stderr)
		}
		out := filepath.Join(t.TempDir(), tt.name+".jsonl")
		// No --records: where the records are is the connection's
		// records_path, as the connector describes it.
		args := []string{"export", tt.name, tt.path, "--out", out}
		for _, p := range tt.params {
			args = append(args, "-F", p)
		}
		mustHX(t, home, nil, args...)
		var got []string
		for _, rec := range jsonLines(t, out) {
			got = append(got, fmt.Sprint(rec["id"]))
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: exported %v", tt.name, got)
		}
	}
}

// TestHTTPConnectorTestFailures: a 2xx whose body means failure, and
// credentials the API refuses, fail the connection test with the API's
// message, and nothing is saved.
func TestHTTPConnectorTestFailures(t *testing.T) {
	t.Parallel()
	api := launchTestAPI(t)
	home := t.TempDir()
	r := api.create(t, home, "suspended", "HMAC-SHA1", "ping_path=suspended", "ping_fail_path=ok", "ping_fail_values=false")
	if r.code == 0 || !strings.Contains(r.stderr, "this account is suspended") || !strings.Contains(r.stderr, "test_failed") && !strings.Contains(r.stderr, `ok is "false"`) {
		t.Errorf("a 2xx that means failure: exit %d\n%s", r.code, r.stderr)
	}
	wrong := api
	wrong.TokenSecret = "not-the-token-secret"
	r = wrong.create(t, home, "wrong", "HMAC-SHA256")
	if r.code == 0 || !strings.Contains(r.stderr, "authentication failed") || !strings.Contains(r.stderr, "signature does not match") {
		t.Errorf("a wrong secret: exit %d\n%s", r.code, r.stderr)
	}
	noKey := api
	noKey.PrivateKey = ""
	r = noKey.create(t, home, "rsa-without-key", "RSA-SHA1")
	if r.code == 0 || !strings.Contains(r.stderr, "private_key (Private key): give it with --secret-file private_key=FILE") {
		t.Errorf("RSA without a key: exit %d\n%s", r.code, r.stderr)
	}
	if list := mustHX(t, home, nil, "connections", "list", "--json"); strings.TrimSpace(list.stdout) != "[]" {
		t.Errorf("connections were saved: %s", list.stdout)
	}
}

// TestHTTPConnectorWaitsOutACustomRateLimit: an API that answers 420 with
// its own reset header when its budget is spent is waited out when the
// settings say so, and the export is whole; without them the 420 stops
// the export.
func TestHTTPConnectorWaitsOutACustomRateLimit(t *testing.T) {
	t.Parallel()
	api := launchTestAPI(t, "--budget", "3")
	home := t.TempDir()
	paging := []string{"paging=next_url", "records_path=results", "next_url_path=next"}
	api.create(t, home, "plain", "HMAC-SHA1", append(paging, "ping_path=items/next")...)
	out := filepath.Join(t.TempDir(), "plain.jsonl")
	if r := hx(t, home, nil, "export", "plain", "items/limited", "-F", "count=10", "--out", out); r.code == 0 || !strings.Contains(r.stderr, "420") {
		t.Errorf("without the settings: exit %d\n%s", r.code, r.stderr)
	}
	api.create(t, home, "calm", "HMAC-SHA1", append(paging, "ping_path=items/next", "rate_limit_status=420",
		"rate_limit_remaining_header=X-Calls-Left", "rate_limit_reset_header=X-Calls-Reset")...)
	out = filepath.Join(t.TempDir(), "calm.jsonl")
	mustHX(t, home, nil, "export", "calm", "items/limited", "-F", "count=10", "--out", out)
	if n := len(jsonLines(t, out)); n != 57 {
		t.Errorf("%d records, want 57", n)
	}
	if c := api.counts(t); c["rate_limited"] < 2 {
		t.Errorf("the budget was spent only %d times: %v", c["rate_limited"], c)
	}
}

// TestHTTPConnectorNeverShowsSecrets: through every command, at trace
// level, no secret, API key or line of the private key appears in an
// output, a log file or the database in clear.
func TestHTTPConnectorNeverShowsSecrets(t *testing.T) {
	t.Parallel()
	api := launchTestAPI(t)
	home := t.TempDir()
	trace := []string{"INTEGRATOR_LOG_LEVEL=trace"}
	var outputs []string
	keep := func(r result) { outputs = append(outputs, r.stdout, r.stderr) }
	for _, m := range []string{"RSA-SHA512", "PLAINTEXT"} {
		keep(api.create(t, home, m, m, "headers.X-Client=canary"))
		keep(mustHX(t, home, trace, "connections", "test", m))
		keep(mustHX(t, home, trace, "connections", "show", m, "--json"))
		keep(mustHX(t, home, trace, "api", m, "--include", "me"))
		keep(hx(t, home, trace, "api", m, "nothing/here"))
	}
	broken := api
	broken.PrivateKey = api.PrivateKey[:len(api.PrivateKey)/2] + "\n-----END PRIVATE KEY-----\n"
	if r := broken.create(t, home, "broken-key", "RSA-SHA1"); r.code == 0 || !strings.Contains(r.stderr, "private_key cannot be used") {
		t.Errorf("a broken key: exit %d\n%s", r.code, r.stderr)
	} else {
		keep(r)
	}
	if !strings.Contains(strings.Join(outputs, ""), "[TRACE]") {
		t.Error("no trace-level log lines were written; the scan proves little")
	}
	secrets := api.secrets()
	for i, out := range outputs {
		for name, v := range secrets {
			if strings.Contains(out, v) {
				t.Errorf("output %d contains the %s", i, name)
			}
		}
	}
	filepath.Walk(home, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		b, _ := os.ReadFile(path)
		for name, v := range secrets {
			if bytes.Contains(b, []byte(v)) {
				t.Errorf("%s contains the %s in clear", path, name)
			}
		}
		return nil
	})
}
