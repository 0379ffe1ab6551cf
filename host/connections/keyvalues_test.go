package connections

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openintegrator/integrator/host/store"
	"github.com/openintegrator/integrator/schema"
)

// listSpec has a key/value list, a multi-line secret, and fields that
// apply only for some signature methods.
var listSpec = schema.Spec{Type: "list", Name: "List", Version: "1.0.0", Fields: []schema.Field{
	{Key: "user", Label: "User", Kind: schema.KindString, Required: true, View: schema.ViewSimple},
	{Key: "headers", Label: "Headers", Kind: schema.KindKeyValues, View: schema.ViewSimple},
	{Key: "method", Label: "Method", Kind: schema.KindEnum, Options: []string{"HMAC-SHA1", "RSA-SHA1"}, Default: "HMAC-SHA1", View: schema.ViewSimple},
	{Key: "password", Label: "Password", Kind: schema.KindString, Secret: true, Required: true, View: schema.ViewSimple,
		ShowWhen: &schema.Condition{Field: "method", Values: []string{"HMAC-SHA1"}}},
	{Key: "private_key", Label: "Private key", Kind: schema.KindText, Secret: true, Required: true, View: schema.ViewSimple,
		ShowWhen: &schema.Condition{Field: "method", Values: []string{"RSA-SHA1"}}},
	{Key: "realm", Label: "Realm", Kind: schema.KindString, View: schema.ViewHTTP,
		ShowWhen: &schema.Condition{Field: "method", Values: []string{"HMAC-SHA1"}}},
}}

const apiKey = "k3y-0f-the-API-never-in-clear"

// A key/value list with a secret entry is sealed: the secret value is in
// no file of the store (database, WAL, shared memory), the list reads
// back whole, a key rotation re-seals it, and what the store keeps in
// clear is the list without its secret values.
func TestSecretEntriesAreSealed(t *testing.T) {
	if err := listSpec.Check(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	home := t.TempDir()
	svc := service(t, home, envKey(0))
	entries := []schema.KV{{Name: "Accept", Value: "application/json"}, {Name: "X-Api-Key", Value: apiKey, Secret: true}}
	cfg := schema.Config{"user": schema.StringValue("ann"), "password": schema.StringValue("pw-of-ann"),
		"headers": schema.KeyValuesValue(entries)}
	if _, err := svc.Create(ctx, listSpec, "lists", cfg, nil); err != nil {
		t.Fatal(err)
	}
	scan := func(when string) {
		t.Helper()
		files, _ := filepath.Glob(filepath.Join(home, store.FileName+"*"))
		if len(files) == 0 {
			t.Fatal("no database file")
		}
		for _, path := range files {
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(b, []byte(apiKey)) || bytes.Contains(b, []byte("pw-of-ann")) {
				t.Errorf("%s: %s holds a secret in clear", when, filepath.Base(path))
			}
		}
	}
	scan("after create")

	c, err := svc.Store.Get(ctx, "lists")
	if err != nil {
		t.Fatal(err)
	}
	clear, _ := c.Values["headers"].Entries()
	if want := []schema.KV{{Name: "Accept", Value: "application/json"}, {Name: "X-Api-Key", Secret: true}}; !cmp.Equal(want, clear) {
		t.Errorf("kept in clear: %+v", clear)
	}
	if _, sealed := c.Secrets["headers"]; !sealed {
		t.Error("the list is not sealed")
	}
	if got := c.Values["headers"].Text(); got != "Accept=application/json, X-Api-Key=(set)" {
		t.Errorf("shown as %q", got)
	}

	open := func(when string) {
		t.Helper()
		_, got, err := service(t, home, envKey(0)).OpenByName(ctx, "lists")
		if err != nil {
			t.Fatalf("%s: %v", when, err)
		}
		if back, _ := got["headers"].Entries(); !cmp.Equal(entries, back) {
			t.Errorf("%s: opened as %+v", when, back)
		}
		if got.Text("password") != "pw-of-ann" {
			t.Errorf("%s: the password did not open", when)
		}
	}
	open("after create")
	if n, _, _, err := svc.Rotate(ctx, nil); err != nil || n != 2 {
		t.Fatalf("rotation: %d re-sealed, %v", n, err)
	}
	open("after a rotation")
	scan("after a rotation")

	// A list without secret entries is kept in clear only.
	plain := schema.Config{"user": schema.StringValue("bob"), "password": schema.StringValue("pw-of-bob"),
		"headers": schema.KeyValuesValue([]schema.KV{{Name: "Accept", Value: "text/csv"}})}
	if _, err := svc.Create(ctx, listSpec, "plain", plain, nil); err != nil {
		t.Fatal(err)
	}
	if c, _ := svc.Store.Get(ctx, "plain"); len(c.Secrets) != 1 || c.Values.Text("headers") != "Accept=text/csv" {
		t.Errorf("a plain list: secrets %v, values %v", len(c.Secrets), c.Values.Text("headers"))
	}
}

// The sealed list is what is used: changing the clear copy in the
// database (a header renamed, a secret entry made plain) changes nothing
// that is sent.
func TestTheSealedListWins(t *testing.T) {
	ctx := context.Background()
	home := t.TempDir()
	svc := service(t, home, envKey(0))
	entries := []schema.KV{{Name: "X-Api-Key", Value: apiKey, Secret: true}}
	cfg := schema.Config{"user": schema.StringValue("ann"), "password": schema.StringValue("pw"), "headers": schema.KeyValuesValue(entries)}
	created, err := svc.Create(ctx, listSpec, "l", cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := svc.Store.Get(ctx, "l")
	c.Values["headers"] = schema.KeyValuesValue([]schema.KV{{Name: "X-Other", Value: ""}})
	if err := svc.Store.Update(ctx, c); err != nil {
		t.Fatal(err)
	}
	c, _ = svc.Store.Get(ctx, "l")
	got, err := svc.Open(c)
	if err != nil || c.ID != created.ID {
		t.Fatal(err)
	}
	if back, _ := got["headers"].Entries(); !cmp.Equal(entries, back) {
		t.Errorf("opened as %+v", back)
	}
}

func TestCollectKeyValues(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "api.key")
	if err := os.WriteFile(keyFile, []byte("from-a-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	secretsFile := filepath.Join(dir, "secrets.env")
	if err := os.WriteFile(secretsFile, []byte("headers.X-Token=from-secrets-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := func(n string) string { return map[string]string{"API_KEY": apiKey}[n] }
	cfg, err := Collect(listSpec, nil, Input{
		Set:         []string{"user=ann", "headers.Accept=application/json", "headers.X-Trace=a=b", "headers.Accept=text/csv"},
		SecretEnv:   []string{"headers.X-Api-Key=API_KEY", "password=API_KEY"},
		SecretFile:  []string{"headers.X-File=" + keyFile},
		SecretsFile: secretsFile,
	}, env)
	if err != nil {
		t.Fatal(err)
	}
	want := []schema.KV{kv("Accept", "text/csv", false), kv("X-Trace", "a=b", false), kv("X-Api-Key", apiKey, true),
		kv("X-File", "from-a-file", true), kv("X-Token", "from-secrets-file", true)}
	if got, _ := cfg["headers"].Entries(); !cmp.Equal(want, got) {
		t.Errorf("entries (-want +got):\n%s", cmp.Diff(want, got))
	}

	// An edit starts from the saved list (secret values left out).
	base := schema.Config{"user": schema.StringValue("ann"), "headers": schema.KeyValuesValue(want).WithoutSecretValues()}
	cfg, err = Collect(listSpec, base, Input{Unset: []string{"headers.X-Trace", "headers.X-File", "headers.X-Token"},
		SecretEnv: []string{"headers.X-Api-Key=API_KEY"}}, env)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := cfg["headers"].Entries(); !cmp.Equal([]schema.KV{kv("Accept", "text/csv", false), kv("X-Api-Key", apiKey, true)}, got) {
		t.Errorf("after the edit: %+v", got)
	}
	cfg, err = Collect(listSpec, base, Input{Unset: []string{"headers"}}, env)
	if err != nil || cfg.Has("headers") {
		t.Errorf("--unset headers: %v, still there: %v", err, cfg.Has("headers"))
	}
	cfg, err = Collect(listSpec, schema.Config{"headers": schema.KeyValuesValue(want[:1])}, Input{Unset: []string{"headers.Accept"}}, env)
	if err != nil || cfg.Has("headers") {
		t.Errorf("unsetting the last entry: %v, list left: %v", err, cfg.Has("headers"))
	}

	for in, msg := range map[*Input]string{
		{Set: []string{"headers=Accept=x"}}: "headers (from --set): Headers is a list of named values: give each entry as headers.NAME, " +
			"with --set (or --secret-env, --secret-file or --secrets-file for a secret value)",
		{Set: []string{"headers.=x"}}: "headers. (from --set): name the entry of Headers, as headers.NAME",
		{Set: []string{"headers.X-Api-Key=" + apiKey}}: "headers.X-Api-Key holds a secret value and cannot be given with --set: " +
			"use --secret-env headers.X-Api-Key=ENVVAR or --secret-file headers.X-Api-Key=FILE; " +
			"to make it a plain value, remove it first (connections edit --unset headers.X-Api-Key)",
		{Unset: []string{"headers.Nope"}}: `--unset headers.Nope: Headers has no entry "Nope"`,
		{SecretEnv: []string{"nope=API_KEY"}}: `--secret-env: "nope" is not a setting of List; write KEY=ENVVAR, with KEY one of ` +
			"password, private_key, headers.NAME and ENVVAR the name of an environment variable that holds the value",
	} {
		_, err := Collect(listSpec, base, *in, env)
		if err == nil || err.Error() != msg {
			t.Errorf("%+v:\n got %v\nwant %s", *in, err, msg)
		}
		if err != nil && strings.Contains(err.Error(), apiKey) {
			t.Errorf("%+v: the secret is echoed", *in)
		}
	}
}

func TestSecretFile(t *testing.T) {
	dir := t.TempDir()
	const pem = "-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8w\n-----END PRIVATE KEY-----\n"
	file := func(name, body string, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
		return p
	}
	key := file("key.pem", pem, 0o600)
	pw := file("pw.txt", "pw-from-file\r\n", 0o400)
	cfg, err := Collect(listSpec, nil, Input{SecretFile: []string{"private_key=" + key, "password=" + pw}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Text("private_key") != pem {
		t.Errorf("a multi-line secret is not kept as it is: %q", cfg.Text("private_key"))
	}
	if cfg.Text("password") != "pw-from-file" {
		t.Errorf("a one-line secret keeps its line break: %q", cfg.Text("password"))
	}

	open := file("open.pem", pem, 0o644)
	big := file("big.pem", strings.Repeat("A", MaxSecretFile+1), 0o600)
	empty := file("empty", "", 0o600)
	binary := file("key.der", "\x30\x82\x01\xff", 0o600)
	pasted := "MIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8w"
	for arg, want := range map[string]string{
		"private_key=" + open:  "--secret-file private_key: " + open + " can be read by others (mode 0644): run chmod 600 " + open,
		"private_key=" + big:   "--secret-file private_key: " + big + " is larger than 64 KiB: a secret file holds one value",
		"private_key=" + empty: "--secret-file private_key: " + empty + " is empty",
		"private_key=" + binary: "--secret-file private_key: " + binary +
			" is not UTF-8 text (a PEM key is; a DER key can be turned into one with openssl)",
		"private_key=" + dir:    "--secret-file private_key: " + dir + " is not a regular file",
		"private_key=" + pasted: "--secret-file private_key: no file of that name exists (it is not repeated here, in case it is the secret itself)",
		"private_key":           "--secret-file private_key: write it as private_key=FILE, the path of a file that holds the value",
		pasted + "=" + key: "--secret-file: what comes before = is not a setting of List (it is not repeated here, in case it is the secret itself); " +
			"write KEY=FILE, with KEY one of password, private_key, headers.NAME and FILE the path of a file that holds the value",
	} {
		_, err := Collect(listSpec, nil, Input{SecretFile: []string{arg}}, nil)
		if err == nil || err.Error() != want {
			t.Errorf("--secret-file %s:\n got %v\nwant %s", arg, err, want)
		}
		if err != nil && (strings.Contains(err.Error(), "MIIB") || strings.Contains(err.Error(), "AAAA")) {
			t.Errorf("--secret-file %s: the content is echoed: %v", arg, err)
		}
	}
}

// A pipe (the shell's <(command)) is read like a file: the secret never
// touches the disk.
func TestSecretFileFromAPipe(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	go func() {
		w.WriteString("pw-through-a-pipe\n")
		w.Close()
	}()
	path := "/proc/self/fd/" + strconv.Itoa(int(r.Fd()))
	cfg, err := Collect(listSpec, nil, Input{SecretFile: []string{"password=" + path}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Text("password") != "pw-through-a-pipe" {
		t.Errorf("password = %q", cfg.Text("password"))
	}
}

func kv(name, value string, secret bool) schema.KV {
	return schema.KV{Name: name, Value: value, Secret: secret}
}
