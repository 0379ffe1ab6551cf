package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// secretEnv returns the environment and flags that pass the simulator's
// credentials the safe way, through --secret-env.
func secretEnv(s simInfo) (env []string, flags []string) {
	env = []string{"TW_CS=" + s.ConsumerSecret, "TW_AT=" + s.AccessToken, "TW_TS=" + s.TokenSecret}
	flags = []string{"--secret-env", "consumer_secret=TW_CS", "--secret-env", "access_token=TW_AT", "--secret-env", "token_secret=TW_TS"}
	return env, flags
}

func createArgs(s simInfo, name string, extra ...string) []string {
	_, flags := secretEnv(s)
	args := []string{"connections", "create", "--type", "twitter-ads", "--name", name,
		"--set", "consumer_key=" + s.ConsumerKey, "--set", "base_uri=" + s.URL, "--set", "account_id=" + s.AccountID}
	return append(append(args, flags...), extra...)
}

func mustRun(t *testing.T, home string, env []string, args ...string) result {
	t.Helper()
	r := integrator(t, home, env, args...)
	if r.code != 0 {
		t.Fatalf("integrator %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r
}

func listConnections(t *testing.T, home string) []map[string]any {
	t.Helper()
	r := mustRun(t, home, nil, "connections", "list", "--json")
	var list []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil {
		t.Fatalf("%v: %s", err, r.stdout)
	}
	return list
}

func TestConnectionLifecycle(t *testing.T) {
	sim := launchSimulator(t)
	home := t.TempDir()
	env, secretFlags := secretEnv(sim)

	r := mustRun(t, home, env, createArgs(sim, "Prod")...)
	if !strings.Contains(r.stderr, "Connection test: ok") || !strings.Contains(r.stderr, `Saved connection "Prod"`) {
		t.Errorf("create stderr:\n%s", r.stderr)
	}
	if r.stdout != "" {
		t.Errorf("create wrote to stdout: %q", r.stdout)
	}

	dup := integrator(t, home, env, createArgs(sim, "prod")...)
	if dup.code == 0 || !strings.Contains(dup.stderr, `a connection with that name already exists: "prod"`) {
		t.Errorf("duplicate name in other case: exit %d\n%s", dup.code, dup.stderr)
	}

	list := listConnections(t, home)
	if len(list) != 1 || list[0]["name"] != "Prod" || list[0]["type"] != "twitter-ads" {
		t.Fatalf("list: %v", list)
	}
	if lt, _ := list[0]["last_test"].(map[string]any); lt == nil || lt["ok"] != true {
		t.Errorf("last test: %v", list[0]["last_test"])
	}

	show := mustRun(t, home, nil, "connections", "show", "prod", "--json")
	var shown struct{ Settings map[string]string }
	if err := json.Unmarshal([]byte(show.stdout), &shown); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"consumer_key": sim.ConsumerKey, "consumer_secret": "(set)", "access_token": "(set)", "token_secret": "(set)",
		"base_uri": sim.URL, "account_id": sim.AccountID}
	for k, v := range want {
		if shown.Settings[k] != v {
			t.Errorf("show %s = %q, want %q", k, shown.Settings[k], v)
		}
	}
	text := mustRun(t, home, nil, "connections", "show", "Prod")
	if !strings.Contains(text.stdout, "consumer_secret  (set)") {
		t.Errorf("show text:\n%s", text.stdout)
	}

	mustRun(t, home, nil, "connections", "test", "Prod")

	// api GET: the body on stdout, nothing else.
	get := mustRun(t, home, nil, "api", "Prod", "accounts/"+sim.AccountID+"/campaigns", "-F", "count=3")
	var page struct {
		Data []map[string]any `json:"data"`
	}
	if err := json.Unmarshal([]byte(get.stdout), &page); err != nil || len(page.Data) != 3 {
		t.Fatalf("api GET: %v\n%s", err, get.stdout)
	}

	// api POST with -F in the query string creates one campaign.
	post := mustRun(t, home, nil, "api", "Prod", "-X", "POST", "accounts/"+sim.AccountID+"/campaigns",
		"-F", "name=E2E Spring", "-F", "funding_instrument_id="+fundingInstrument(t, home, sim), "-F", "daily_budget_amount_local_micro=5000000", "-F", "entity_status=PAUSED")
	var created struct{ Data map[string]any }
	if err := json.Unmarshal([]byte(post.stdout), &created); err != nil || created.Data["name"] != "E2E Spring" {
		t.Fatalf("api POST: %v\n%s\n%s", err, post.stdout, post.stderr)
	}
	id, _ := created.Data["id"].(string)
	one := mustRun(t, home, nil, "api", "Prod", "--include", "accounts/"+sim.AccountID+"/campaigns/"+id)
	if !strings.HasPrefix(one.stdout, "HTTP 200\n") || !strings.Contains(one.stdout, "E2E Spring") {
		t.Errorf("api --include:\n%s", one.stdout)
	}

	// --form sends the parameters as a form body; --input sends JSON.
	form := mustRun(t, home, nil, "api", "Prod", "-X", "POST", "--form", "accounts/"+sim.AccountID+"/campaigns",
		"-F", "name=E2E Form", "-F", "funding_instrument_id="+fundingInstrument(t, home, sim), "-F", "daily_budget_amount_local_micro=1000000")
	if !strings.Contains(form.stdout, `"name":"E2E Form"`) {
		t.Errorf("api --form:\n%s\n%s", form.stdout, form.stderr)
	}
	batch := filepath.Join(t.TempDir(), "ops.json")
	ops := `[{"operation_type":"Update","params":{"campaign_id":"` + id + `","name":"E2E Renamed"}}]`
	if err := os.WriteFile(batch, []byte(ops), 0o600); err != nil {
		t.Fatal(err)
	}
	mustRun(t, home, nil, "api", "Prod", "-X", "POST", "batch/accounts/"+sim.AccountID+"/campaigns", "--input", batch)
	renamed := mustRun(t, home, nil, "api", "Prod", "accounts/"+sim.AccountID+"/campaigns/"+id)
	if !strings.Contains(renamed.stdout, "E2E Renamed") {
		t.Errorf("after the batch update:\n%s", renamed.stdout)
	}

	// An API error: exit 1, the error on stderr.
	missing := integrator(t, home, nil, "api", "Prod", "accounts/"+sim.AccountID+"/campaigns/nope0000")
	if missing.code != 1 || !strings.Contains(missing.stderr, "HTTP 404") {
		t.Errorf("api 404: exit %d\nstderr: %s", missing.code, missing.stderr)
	}

	// Edit without the secrets: refused, nothing stored.
	noSecrets := integrator(t, home, nil, "connections", "edit", "Prod", "--set", "account_id="+sim.AccountID)
	if noSecrets.code == 0 || !strings.Contains(noSecrets.stderr, "Every secret must be entered again") ||
		!strings.Contains(noSecrets.stderr, "consumer_secret (Consumer secret): give it with --secret-env consumer_secret=ENVVAR or --secrets-file FILE") {
		t.Errorf("edit without secrets: exit %d\n%s", noSecrets.code, noSecrets.stderr)
	}
	// Edit with a wrong secret: the test fails and nothing is stored.
	bad := integrator(t, home, append(env, "TW_TS=wrong-token-secret"), append([]string{"connections", "edit", "Prod"}, secretFlags...)...)
	if bad.code != 1 || !strings.Contains(bad.stderr, "Nothing was saved") {
		t.Errorf("edit with a wrong secret: exit %d\n%s", bad.code, bad.stderr)
	}
	mustRun(t, home, nil, "connections", "test", "Prod")
	// Edit with the secrets re-entered: saved.
	mustRun(t, home, env, append([]string{"connections", "edit", "Prod", "--unset", "account_id"}, secretFlags...)...)
	show = mustRun(t, home, nil, "connections", "show", "Prod", "--json")
	if strings.Contains(show.stdout, "account_id") {
		t.Errorf("account_id still set after --unset:\n%s", show.stdout)
	}

	mustRun(t, home, nil, "connections", "delete", "PROD", "--yes")
	if list := listConnections(t, home); len(list) != 0 {
		t.Errorf("after delete: %v", list)
	}
	if r := integrator(t, home, nil, "connections", "test", "Prod"); r.code != 1 || !strings.Contains(r.stderr, `no such connection: "Prod"`) {
		t.Errorf("test after delete: %d %s", r.code, r.stderr)
	}
}

// fundingInstrument returns a funding instrument id of the account.
func fundingInstrument(t *testing.T, home string, sim simInfo) string {
	r := mustRun(t, home, nil, "api", "Prod", "accounts/"+sim.AccountID+"/funding_instruments")
	var page struct {
		Data []struct{ ID string } `json:"data"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &page); err != nil || len(page.Data) == 0 {
		t.Fatalf("funding instruments: %v %s", err, r.stdout)
	}
	return page.Data[0].ID
}

func TestCreateRefusals(t *testing.T) {
	sim := launchSimulator(t)
	env, _ := secretEnv(sim)
	tests := []struct {
		name string
		env  []string
		args []string
		want []string
	}{
		{"secret in argv", env, []string{"connections", "create", "--type", "twitter-ads", "--name", "x", "--set", "consumer_key=k", "--set", "consumer_secret=" + sim.ConsumerSecret},
			[]string{"consumer_secret is a secret and cannot be given with --set", "--secret-env consumer_secret=ENVVAR"}},
		{"missing settings without a terminal", nil, []string{"connections", "create", "--type", "twitter-ads", "--name", "x"},
			[]string{"missing settings, and standard input is not a terminal", "consumer_key (Consumer key): give it with --set consumer_key=VALUE",
				"consumer_secret (Consumer secret)", "access_token (Access token)", "token_secret (Token secret)"}},
		{"every validation problem at once", append(env, "TW_AT=not-a-token!"), append(createArgs(sim, "x"), "--set", "base_uri=http://ads.example.com", "--set", "api_version=v12"),
			[]string{"error: access_token: Access token is not of the form", "error: base_uri: Base URI \"http://ads.example.com\" is not https", "error: api_version:", "Nothing was saved"}},
		{"a failing connection test", append(env, "TW_CS=wrong-consumer-secret"), createArgs(sim, "x"),
			[]string{"Connection test: failed", "Nothing was saved: the connection test failed"}},
		{"unset env var", []string{"TW_CS="}, createArgs(sim, "x"), []string{"--secret-env consumer_secret=TW_CS: the environment variable TW_CS is not set or empty"}},
		{"unknown type", env, []string{"connections", "create", "--type", "nope", "--name", "x"}, []string{`unknown connector type "nope"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := t.TempDir()
			r := integrator(t, home, tt.env, tt.args...)
			if r.code == 0 {
				t.Fatalf("exit 0\n%s", r.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
			for _, s := range []string{sim.ConsumerSecret, sim.TokenSecret, sim.AccessToken} {
				if strings.Contains(r.stderr+r.stdout, s) {
					t.Errorf("a secret value appears in the output")
				}
			}
			if list := listConnections(t, home); len(list) != 0 {
				t.Errorf("something was saved: %v", list)
			}
		})
	}
}

func TestSecretsFileAndNoTest(t *testing.T) {
	sim := launchSimulator(t)
	home := t.TempDir()
	file := filepath.Join(t.TempDir(), "secrets.env")
	body := "# Twitter Ads\nconsumer_secret=" + sim.ConsumerSecret + "\naccess_token=" + sim.AccessToken + "\ntoken_secret=" + sim.TokenSecret + "\n"
	if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	r := mustRun(t, home, nil, "connections", "create", "--type", "twitter-ads", "--name", "from-file", "--no-test",
		"--set", "consumer_key="+sim.ConsumerKey, "--set", "base_uri="+sim.URL, "--secrets-file", file)
	if strings.Contains(r.stderr, "Connection test") {
		t.Errorf("--no-test tested:\n%s", r.stderr)
	}
	if list := listConnections(t, home); len(list) != 1 || list[0]["last_test"] != nil {
		t.Errorf("list: %v", list)
	}
	mustRun(t, home, nil, "connections", "test", "from-file")
	jsonFile := filepath.Join(t.TempDir(), "secrets.json")
	b, _ := json.Marshal(map[string]string{"consumer_secret": sim.ConsumerSecret, "access_token": sim.AccessToken, "token_secret": sim.TokenSecret})
	if err := os.WriteFile(jsonFile, b, 0o600); err != nil {
		t.Fatal(err)
	}
	mustRun(t, home, nil, "connections", "edit", "from-file", "--secrets-file", jsonFile)
}
