package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The Twitter Ads HTTP view and `connections convert`, through the real
// integrator, Twitter Ads and http plugin binaries against the X Ads API
// simulator.

// hvRun runs integrator with the http connector's folder as --plugin-dir
// and logging at trace level (so that a secret in a log line would show),
// keeping both outputs in outs.
func hvRun(t *testing.T, home string, env []string, outs *[]string, args ...string) result {
	t.Helper()
	env = append([]string{"INTEGRATOR_LOG_LEVEL=trace"}, env...)
	r := hx(t, home, env, args...)
	*outs = append(*outs, r.stdout, r.stderr)
	return r
}

// hvMust is hvRun that fails the test on a non-zero exit.
func hvMust(t *testing.T, home string, env []string, outs *[]string, args ...string) result {
	t.Helper()
	r := hvRun(t, home, env, outs, args...)
	if r.code != 0 {
		t.Fatalf("integrator %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r
}

// hvNoSecrets fails when a credential of s is in one of outs or in a file
// under home (the database, its WAL and journal, the logs), and when no
// trace-level line was written (the scan would prove little).
func hvNoSecrets(t *testing.T, home string, outs []string, s simInfo) {
	t.Helper()
	all := strings.Join(outs, "\n")
	if !strings.Contains(all, "[TRACE]") {
		t.Error("no trace-level log line was written; the scan proves little")
	}
	for i, out := range outs {
		noSecretsIn(t, fmt.Sprintf("output %d", i), out, s)
	}
	sfNoSecretsUnder(t, home, s)
}

// hvRows is what the store holds of connection name, as an attacker with
// the file reads it: its row (id, type, times, last test), its settings
// and its sealed secrets (key id, nonce, ciphertext).
func hvRows(t *testing.T, home, name string) string {
	t.Helper()
	db := openDB(t, home)
	var b strings.Builder
	var id string
	for _, q := range []string{
		`SELECT id, name, type, created_at, updated_at, test_ok, test_at, test_note FROM connections WHERE name = ?`,
		`SELECT key, type, value FROM connection_values WHERE connection_id = ? ORDER BY key`,
		`SELECT key, key_id, hex(nonce), hex(ciphertext) FROM connection_secrets WHERE connection_id = ? ORDER BY key`,
	} {
		arg := id
		if id == "" {
			arg = name
		}
		rows, err := db.Query(q, arg)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			if id == "" {
				id = fmt.Sprint(vals[0])
			}
			fmt.Fprintln(&b, vals...)
		}
		rows.Close()
		if id == "" {
			t.Fatalf("no connection %q in the store", name)
		}
	}
	return b.String()
}

// hvConnection is `connections show NAME --json`.
func hvConnection(t *testing.T, home string, outs *[]string, name string) (c struct {
	ID, Type string
	Settings map[string]string
	LastTest *struct{ OK bool } `json:"last_test"`
}) {
	t.Helper()
	r := hvMust(t, home, nil, outs, "connections", "show", name, "--json")
	if err := json.Unmarshal([]byte(r.stdout), &c); err != nil {
		t.Fatalf("%v: %s", err, r.stdout)
	}
	return c
}

// TestConnectorsShowTheTwitterAdsHTTPView: `connectors show twitter-ads`
// presents the HTTP view as the universal connector's settings with the
// X Ads values, editable (base URI) or fixed (signing, placement, paging),
// and the conversion to http; --json marks the fixed ones. A fixed
// setting given another value is refused, naming it, and nothing is
// saved, while its own value is accepted.
func TestConnectorsShowTheTwitterAdsHTTPView(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	var outs []string
	text := hvMust(t, home, nil, &outs, "connectors", "show", "twitter-ads").stdout
	for _, want := range []string{
		"HTTP settings (advanced):",
		"  base_uri  Base URI  [url, default https://ads-api.x.com]",
		"  api_version  API version  [string, default 12]",
		"  signature_method  Signature method  [enum, fixed HMAC-SHA1]",
		"  oauth_params_in  OAuth parameters in  [enum, fixed header]",
		"  paging  Paging  [enum, fixed cursor]",
		"  records_path  Records path  [string, fixed data]",
		"  cursor_param  Cursor parameter  [string, fixed cursor]",
		"  next_cursor_path  Next cursor path  [string, fixed next_cursor]",
		"Converts to http (integrator connections convert NAME --to http):",
		"  base_uri                     template {base_uri}/{api_version}",
		"  consumer_secret              from consumer_secret",
		"  Note: Async reports (integrator report)",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("connectors show lacks %q:\n%s", want, text)
		}
	}
	var spec struct {
		Fields []struct {
			Key     string
			Default *string
			Options []string
			Fixed   bool
		}
		Conversions []struct {
			To       string
			Settings []struct{ Key, From, Value, Template string }
		}
	}
	if err := json.Unmarshal([]byte(hvMust(t, home, nil, &outs, "connectors", "show", "twitter-ads", "--json").stdout), &spec); err != nil {
		t.Fatal(err)
	}
	fixed := map[string]string{}
	for _, f := range spec.Fields {
		if f.Fixed && f.Default != nil {
			fixed[f.Key] = *f.Default
		}
	}
	for k, want := range map[string]string{"signature_method": "HMAC-SHA1", "oauth_params_in": "header", "paging": "cursor",
		"records_path": "data", "cursor_param": "cursor", "next_cursor_path": "next_cursor"} {
		if fixed[k] != want {
			t.Errorf("--json: %s is not fixed at %s: %v", k, want, fixed)
		}
	}
	if _, ok := fixed["base_uri"]; ok {
		t.Error("--json: base_uri is fixed")
	}
	if len(spec.Conversions) != 1 || spec.Conversions[0].To != "http" || spec.Conversions[0].Settings[0] != (struct{ Key, From, Value, Template string }{Key: "base_uri", Template: "{base_uri}/{api_version}"}) {
		t.Errorf("--json: conversions %+v", spec.Conversions)
	}

	sim := launchSimulator(t)
	env, _ := secretEnv(sim)
	bad := hvRun(t, home, env, &outs, createArgs(sim, "Prod", "--set", "records_path=items", "--set", "signature_method=HMAC-SHA1")...)
	if bad.code == 0 || !strings.Contains(bad.stderr, "records_path: Records path cannot be changed from data (leave it out: Twitter Ads always uses data)") ||
		strings.Contains(bad.stderr, "signature_method") || !strings.Contains(bad.stderr, "Nothing was saved") {
		t.Errorf("a fixed setting changed: exit %d\n%s", bad.code, bad.stderr)
	}
	if list := hvMust(t, home, nil, &outs, "connections", "list", "--json").stdout; strings.TrimSpace(list) != "[]" {
		t.Errorf("saved after the refusal: %s", list)
	}
	hvMust(t, home, env, &outs, createArgs(sim, "Prod", "--set", "signature_method=HMAC-SHA1", "--set", "paging=cursor")...)
	hvNoSecrets(t, home, outs, sim)
}

// TestConvertTwitterAdsConnectionToHTTP: a Twitter Ads connection to the
// simulator, which imported campaigns and exported them, is converted to
// an http connection. A dry run shows the settings and changes nothing
// in the store; the conversion keeps the name and id, carries the secrets
// over without showing them (sealed anew), passes the connection test,
// and the converted connection exports the same records, byte for byte
// after sorting, and answers api the same; its import ledger stayed, so
// the same import sends nothing again. No secret is in any output, log
// or file under the home.
func TestConvertTwitterAdsConnectionToHTTP(t *testing.T) {
	t.Parallel()
	sim := launchSimulator(t, "--campaigns", "450")
	home := t.TempDir()
	env, _ := secretEnv(sim)
	var outs []string
	hvMust(t, home, env, &outs, createArgs(sim, "Prod")...)
	before := hvConnection(t, home, &outs, "Prod")

	// An import through the Twitter Ads connection, then an export.
	fi := fundingInstrument(t, home, sim)
	dir := t.TempDir()
	in := filepath.Join(dir, "in.jsonl")
	var b strings.Builder
	for i := range 3 {
		fmt.Fprintf(&b, `{"account_id":%q,"name":"before the conversion %d","funding_instrument_id":%q,"daily_budget_amount_local_micro":1000000,"entity_status":"PAUSED"}`+"\n", sim.AccountID, i, fi)
	}
	writeFile(t, in, b.String())
	importArgs := []string{"import", "Prod", "-X", "POST", "accounts/{account_id}/campaigns", "--in", in}
	hvMust(t, home, nil, &outs, append(importArgs, "--results", filepath.Join(dir, "r1.jsonl"))...)
	campaigns := "accounts/" + sim.AccountID + "/campaigns"
	export := func(name string) []byte {
		t.Helper()
		out := filepath.Join(dir, name+".jsonl")
		hvMust(t, home, nil, &outs, "export", "Prod", campaigns, "-F", "count=200", "-F", "with_deleted=true", "--out", out)
		return sortedLines(t, out)
	}
	twitter := export("twitter-ads")
	apiArgs := []string{"api", "Prod", campaigns, "-F", "count=3", "-F", "sort_by=name-asc"}
	twitterAPI := hvMust(t, home, nil, &outs, apiArgs...).stdout
	stored := hvRows(t, home, "Prod")

	dry := hvMust(t, home, nil, &outs, "connections", "convert", "Prod", "--to", "http", "--dry-run")
	shown := map[string]string{}
	for _, line := range strings.Split(dry.stdout, "\n") {
		if f := strings.Fields(line); strings.HasPrefix(line, "  ") && len(f) == 2 {
			shown[f[0]] = f[1]
		}
	}
	for k, want := range map[string]string{"base_uri": sim.URL + "/12", "signature_method": "HMAC-SHA1", "consumer_key": sim.ConsumerKey,
		"consumer_secret": "(set)", "access_token": "(set)", "token_secret": "(set)", "oauth_params_in": "header",
		"paging": "cursor", "records_path": "data", "cursor_param": "cursor", "next_cursor_path": "next_cursor", "ping_path": "accounts"} {
		if shown[k] != want {
			t.Errorf("the dry run shows %s as %q, want %q", k, shown[k], want)
		}
	}
	for _, want := range []string{
		`Settings of "Prod" as http:`, "Secrets carried over, never shown: consumer_secret, access_token, token_secret",
		"Left behind (http has no such setting): account_id", "What changes:",
	} {
		if !strings.Contains(dry.stdout, want) {
			t.Errorf("the dry run lacks %q:\n%s", want, dry.stdout)
		}
	}
	if !strings.Contains(dry.stderr, `Dry run: connection "Prod" was not changed. Without --dry-run the settings above are tested, then saved.`) ||
		strings.Contains(dry.stderr, "Connection test") {
		t.Errorf("dry run stderr:\n%s", dry.stderr)
	}
	var dryJSON struct {
		ID      string
		DryRun  bool     `json:"dry_run"`
		Secrets []string `json:"secrets_carried_over"`
		Saved   bool
	}
	if err := json.Unmarshal([]byte(hvMust(t, home, nil, &outs, "connections", "convert", "Prod", "--to", "http", "--dry-run", "--json").stdout), &dryJSON); err != nil ||
		dryJSON.ID != before.ID || !dryJSON.DryRun || dryJSON.Saved || len(dryJSON.Secrets) != 3 {
		t.Errorf("dry run --json: %+v %v", dryJSON, err)
	}
	if now := hvRows(t, home, "Prod"); now != stored {
		t.Errorf("the dry runs changed the store:\nbefore\n%s\nafter\n%s", stored, now)
	}

	r := hvMust(t, home, nil, &outs, "connections", "convert", "Prod", "--to", "http")
	for _, want := range []string{"Connection test: ok", `Converted connection "Prod" from twitter-ads to http.`,
		"Its import ledger stays with it: the 3 records applied are not sent again by the same import."} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("convert stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if dry.stdout != r.stdout {
		t.Errorf("the dry run showed\n%s\nthe conversion\n%s", dry.stdout, r.stdout)
	}
	after := hvConnection(t, home, &outs, "Prod")
	if after.ID != before.ID || after.Type != "http" || after.LastTest == nil || !after.LastTest.OK ||
		after.Settings["base_uri"] != sim.URL+"/12" || after.Settings["token_secret"] != "(set)" || after.Settings["account_id"] != "" {
		t.Errorf("after the conversion: %+v", after)
	}
	db := openDB(t, home)
	for _, key := range []string{"consumer_secret", "access_token", "token_secret"} {
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM connection_secrets WHERE connection_id = ? AND key = ?`, before.ID, key).Scan(&n); err != nil || n != 1 {
			t.Errorf("the secret %s of connection %s: %d rows, %v", key, before.ID, n, err)
		}
	}
	if r := hvMust(t, home, nil, &outs, "connections", "test", "Prod"); !strings.Contains(r.stderr, "Connection test: ok") {
		t.Errorf("test:\n%s", r.stderr)
	}
	if again := hvRun(t, home, nil, &outs, "connections", "convert", "Prod", "--to", "http"); again.code != 1 ||
		!strings.Contains(again.stderr, `--to: connection "Prod" is already of type http`) {
		t.Errorf("converting again: exit %d\n%s", again.code, again.stderr)
	}

	http := export("http")
	if n := bytes.Count(http, []byte("\n")); n != 453 || !bytes.Equal(twitter, http) {
		t.Errorf("the converted connection exported %d records (%d bytes), not the %d bytes of before", n, len(http), len(twitter))
	}
	if got := hvMust(t, home, nil, &outs, apiArgs...).stdout; got != twitterAPI || !strings.Contains(got, `"data"`) {
		t.Errorf("api through the converted connection:\n%s\nbefore:\n%s", got, twitterAPI)
	}
	redo := hvMust(t, home, nil, &outs, append(importArgs, "--results", filepath.Join(dir, "r2.jsonl"))...)
	for i, res := range jsonLines(t, filepath.Join(dir, "r2.jsonl")) {
		if res["result"] != "ok" || res["earlier"] != true {
			t.Errorf("record %d of the same import after the conversion: %v\n%s", i+1, res, redo.stderr)
		}
	}
	hvNoSecrets(t, home, outs, sim)
}

// TestRefusedConversionsChangeNothing: a conversion whose connection test
// fails (the simulator refuses a wrong token secret), one whose type no
// plugin serves, and one of a connection that an export is using are
// refused, exit 1, and leave the connection's rows in the store as they
// were, secrets included; the export goes on. A dry run during that
// export says the conversion would be refused. Once the export is killed
// the connection converts, and the export, left unfinished by the Twitter
// Ads connection, resumes through the http one to the same records as a
// whole export before the conversion.
func TestRefusedConversionsChangeNothing(t *testing.T) {
	t.Parallel()
	sim := launchSimulator(t, "--campaigns", "600", "--fault", "slow,delay=250ms,method=GET,path=/campaigns")
	home := t.TempDir()
	env, _ := secretEnv(sim)
	var outs []string
	hvMust(t, home, env, &outs, createArgs(sim, "Prod")...)
	wrong := append(env, "TW_TS=x"+sim.TokenSecret)
	hvMust(t, home, wrong, &outs, createArgs(sim, "Wrong", "--no-test")...)
	dir := t.TempDir()
	campaigns := "accounts/" + sim.AccountID + "/campaigns"
	whole := filepath.Join(dir, "whole.jsonl")
	hvMust(t, home, nil, &outs, "export", "Prod", campaigns, "-F", "count=1000", "--out", whole)

	refused := func(what string, r result, want ...string) {
		t.Helper()
		outs = append(outs, r.stdout, r.stderr)
		if r.code != 1 {
			t.Errorf("%s: exit %d\n%s%s", what, r.code, r.stdout, r.stderr)
		}
		for _, w := range want {
			if !strings.Contains(r.stderr, w) {
				t.Errorf("%s: stderr lacks %q:\n%s", what, w, r.stderr)
			}
		}
	}

	stored := hvRows(t, home, "Wrong")
	dry := hvMust(t, home, nil, &outs, "connections", "convert", "Wrong", "--to", "http", "--dry-run")
	if strings.Contains(dry.stderr, "Connection test") {
		t.Errorf("the dry run tested the connection:\n%s", dry.stderr)
	}
	refused("a failing test", hvRun(t, home, nil, &outs, "connections", "convert", "Wrong", "--to", "http"),
		"Connection test: failed", "authentication failed", "Nothing was changed: the connection test as http failed.")
	refused("a failing test, --json", hvRun(t, home, nil, &outs, "connections", "convert", "Wrong", "--to", "http", "--json"),
		"Nothing was changed: the connection test as http failed.")
	if now := hvRows(t, home, "Wrong"); now != stored {
		t.Errorf("the refused conversion of Wrong changed the store:\nbefore\n%s\nafter\n%s", stored, now)
	}

	stored = hvRows(t, home, "Prod")
	noPlugin := integrator(t, home, nil, "connections", "convert", "Prod", "--to", "http") // without the http plugin's folder
	refused("no http plugin", noPlugin, `unknown connector type "http"`)

	// An export holding its lease on the connection (its output file).
	part := filepath.Join(dir, "part.jsonl")
	exportArgs := []string{"export", "Prod", campaigns, "-F", "count=20", "--out", part}
	run := startIntegrator(t, home, exportArgs...)
	var plugins []int
	waitFor(t, 60*time.Second, "the export to save a few pages", func() bool {
		if run.exited() {
			t.Fatalf("the export ended early: exit %d\n%s", run.code, run.stderr.String())
		}
		plugins = pluginChildren(run.cmd.Process.Pid)
		return fileSize(part+".part") >= 24<<10 // three pages or more: the first two are checkpointed
	})
	pid := "pid " + strconv.Itoa(run.cmd.Process.Pid)
	refused("an export in progress", hvRun(t, home, nil, &outs, "connections", "convert", "Prod", "--to", "http"),
		`connection "Prod" is in use by 1 run:`, "export of "+campaigns, pid,
		"Nothing was changed: wait for it to end, or stop it, then convert the connection")
	busyDry := hvMust(t, home, nil, &outs, "connections", "convert", "Prod", "--to", "http", "--dry-run")
	if !strings.Contains(busyDry.stderr, "Without --dry-run it would be refused now: it is in use by 1 run:") || !strings.Contains(busyDry.stderr, pid) {
		t.Errorf("a dry run during the export:\n%s", busyDry.stderr)
	}
	if run.exited() {
		t.Fatalf("the export ended while the conversions were tried (exit %d): the refusal proves nothing\n%s", run.code, run.stderr.String())
	}
	if now := hvRows(t, home, "Prod"); now != stored {
		t.Errorf("the refused conversions of Prod changed the store:\nbefore\n%s\nafter\n%s", stored, now)
	}
	kill(t, run.cmd.Process.Pid)
	run.wait(t, 10*time.Second)
	for _, p := range plugins {
		kill(t, p)
	}

	r := hvMust(t, home, nil, &outs, "connections", "convert", "Prod", "--to", "http")
	if !strings.Contains(r.stderr, "Its unfinished work stays with it:") || !strings.Contains(r.stderr, part+".part") {
		t.Errorf("the conversion does not say the unfinished export stays:\n%s", r.stderr)
	}
	if r := hvMust(t, home, nil, &outs, append(exportArgs, "--resume", "--progress", "plain")...); !strings.Contains(r.stderr, "Resuming the export") || !strings.Contains(r.stderr, "(resumed)") {
		t.Errorf("the export did not resume through http:\n%s", r.stderr)
	}
	got, want := sortedLines(t, part), sortedLines(t, whole)
	if n := bytes.Count(got, []byte("\n")); n != 540 || !bytes.Equal(got, want) { // 600 campaigns, every tenth deleted
		t.Errorf("the export resumed through http has %d records (%d bytes), the whole export before the conversion %d bytes", n, len(got), len(want))
	}
	hvNoSecrets(t, home, outs, sim)
}
