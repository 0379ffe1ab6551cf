package app

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// A connection's life through the core: created (validated, tested,
// saved), listed and shown with its secrets redacted, tested again, opened
// for a request, deleted.
func TestConnectionLifecycle(t *testing.T) {
	ctx := testCtx(t)
	a, e, _ := testApp(t)
	s := startSim(t)
	create(t, a, e, s, "Prod")

	list, err := a.Connections(ctx)
	if err != nil || len(list) != 1 || list[0].Name != "Prod" || list[0].Type != pluginType || list[0].LastTest == nil || !list[0].LastTest.OK || list[0].Settings != nil {
		t.Fatalf("Connections: %+v, %v", list, err)
	}
	c, err := a.Connection(ctx, "prod") // names are case-insensitive
	if err != nil {
		t.Fatal(err)
	}
	shown, _ := json.Marshal(c)
	for key, secret := range s.secrets(spec(t, a)) {
		if c.Settings[key] != schema.Redacted || strings.Contains(string(shown), secret) {
			t.Errorf("secret %s shows as %q in %s", key, c.Settings[key], shown)
		}
	}
	if c.Settings["base_uri"] != s["url"] {
		t.Errorf("settings: %v", c.Settings)
	}

	res, err := a.TestConnection(ctx, "Prod")
	if err != nil || res == nil || !res.OK {
		t.Fatalf("TestConnection: %+v, %v", res, err)
	}

	conn, err := a.OpenConnection(ctx, "Prod")
	if err != nil {
		t.Fatal(err)
	}
	resp, err := conn.DoRequest(ctx, shared.Request{Method: "GET", URL: "accounts/" + s["account_id"]})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	conn.Close()
	if resp.Status != http.StatusOK || !strings.Contains(string(body), s["account_id"]) {
		t.Errorf("GET accounts/%s: %d %s", s["account_id"], resp.Status, body)
	}

	d, err := a.DeleteConnection(ctx, "PROD", false)
	if err != nil || d.Name != "Prod" || len(d.Work.Forgotten()) != 0 {
		t.Fatalf("DeleteConnection: %+v, %v", d, err)
	}
	var notFound *NotFoundError
	for what, err := range map[string]error{
		"Connection":     second(a.Connection(ctx, "Prod")),
		"TestConnection": second(a.TestConnection(ctx, "Prod")),
		"OpenConnection": second(a.OpenConnection(ctx, "Prod")),
		"Delete":         second(a.DeleteConnection(ctx, "Prod", true)),
		"Work":           second(a.Work(ctx, "Prod")),
	} {
		if !errors.As(err, &notFound) || err.Error() != `no such connection: "Prod"` {
			t.Errorf("%s after the delete: %v", what, err)
		}
	}
}

func second[T any](_ T, err error) error { return err }

// A new connection's name must be usable and free; nothing is saved then.
func TestNewConnectionRefusesBadAndTakenNames(t *testing.T) {
	ctx := testCtx(t)
	a, e, _ := testApp(t)
	s := startSim(t)
	create(t, a, e, s, "Prod")
	in := s.settings(spec(t, a), e)
	var bad *InputError
	for _, name := range []string{"", " padded", "tab\there", strings.Repeat("n", 101)} {
		_, err := a.NewConnection(ctx, NewConnection{Type: pluginType, Name: name, Settings: in})
		if !errors.As(err, &bad) || bad.Field != "name" {
			t.Errorf("name %q: %v", name, err)
		}
	}
	var taken *NameTakenError
	if _, err := a.NewConnection(ctx, NewConnection{Type: pluginType, Name: "PROD", Settings: in}); !errors.As(err, &taken) || taken.Name != "PROD" {
		t.Errorf("a taken name: %v", err)
	}
	var unknown *UnknownTypeError
	_, err := a.NewConnection(ctx, NewConnection{Type: "nope", Name: "other", Settings: in})
	if !errors.As(err, &unknown) || len(unknown.Known) != 1 || unknown.Known[0] != pluginType {
		t.Errorf("an unknown type: %v", err)
	}
	if list, _ := a.Connections(ctx); len(list) != 1 {
		t.Errorf("connections after the refusals: %+v", list)
	}
}

// A draft is saved only once its settings pass validation and the test:
// what is missing is listed, a wrong setting fails validation, a wrong
// secret fails the test, and a Save before either passes stores nothing.
func TestDraftSavesOnlyWhatPasses(t *testing.T) {
	ctx := testCtx(t)
	a, e, _ := testApp(t)
	s := startSim(t)
	sp := spec(t, a)
	in := s.settings(sp, e)
	secret := strings.SplitN(in.SecretEnv[0], "=", 2)[0] // a secret left out
	in.SecretEnv = in.SecretEnv[1:]
	d, err := a.NewConnection(ctx, NewConnection{Type: pluginType, Name: "x", Settings: in})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if m := d.Missing(); len(m) != 1 || m[0].Key != secret || d.SecretsToReenter() {
		t.Errorf("Missing: %+v", m)
	}
	if _, err := d.Save(ctx); err == nil {
		t.Error("a draft that was never validated was saved")
	}
	var invalid *ValidationError
	if _, err := d.Validate(ctx); !errors.As(err, &invalid) || !invalid.Diagnostics.HasError() {
		t.Errorf("Validate without %s: %v", secret, err)
	}
	if err := d.Set(secret, "wrong-"+s[secret]); err != nil {
		t.Fatal(err)
	}
	if len(d.Missing()) != 0 {
		t.Errorf("Missing after Set: %+v", d.Missing())
	}
	if _, err := d.Validate(ctx); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	res, err := d.Test(ctx)
	var failed *TestFailedError
	if !errors.As(err, &failed) || res.OK || failed.Result.OK {
		t.Fatalf("Test with a wrong %s: %+v, %v", secret, res, err)
	}
	if _, err := d.Save(ctx); !errors.As(err, &failed) {
		t.Errorf("Save after a failed test: %v", err)
	}
	if list, _ := a.Connections(ctx); len(list) != 0 {
		t.Errorf("saved: %+v", list)
	}
	if err := d.Set(secret, s[secret]); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Save(ctx); err == nil {
		t.Error("a draft changed since it was validated was saved")
	}
	if _, err := d.Validate(ctx); err != nil {
		t.Fatal(err)
	}
	if name, err := d.Save(ctx); err != nil || name != "x" { // --no-test: saved untested
		t.Fatalf("Save: %q, %v", name, err)
	}
	if c, err := a.Connection(ctx, "x"); err != nil || c.LastTest != nil {
		t.Errorf("an untested connection: %+v, %v", c, err)
	}
}

// An edit keeps the non-secret settings unless changed, and takes every
// secret again: none is reused.
func TestEditTakesEverySecretAgain(t *testing.T) {
	ctx := testCtx(t)
	a, e, _ := testApp(t)
	s := startSim(t)
	create(t, a, e, s, "Prod")
	sp := spec(t, a)
	d, err := a.EditConnection(ctx, "prod", Settings{Set: []string{"account_id=other"}})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	secrets := s.secrets(sp)
	if !d.SecretsToReenter() || len(d.Missing()) != len(secrets) {
		t.Fatalf("an edit without secrets: to reenter %v, missing %+v", d.SecretsToReenter(), d.Missing())
	}
	for _, f := range d.Missing() {
		if !f.Secret || secrets[f.Key] == "" {
			t.Errorf("missing %s, which is no secret given at creation", f.Key)
		}
	}
	var invalid *ValidationError
	if _, err := d.Validate(ctx); !errors.As(err, &invalid) {
		t.Errorf("an edit without its secrets validates: %v", err)
	}
	for key, v := range secrets {
		if err := d.Set(key, v); err != nil {
			t.Fatal(err)
		}
	}
	if d.SecretsToReenter() || len(d.Missing()) != 0 {
		t.Errorf("after the secrets: to reenter %v, missing %+v", d.SecretsToReenter(), d.Missing())
	}
	if _, err := d.Validate(ctx); err != nil {
		t.Fatal(err)
	}
	if name, err := d.Save(ctx); err != nil || name != "Prod" {
		t.Fatalf("Save: %q, %v", name, err)
	}
	c, err := a.Connection(ctx, "Prod")
	if err != nil || c.Settings["account_id"] != "other" || c.Settings["base_uri"] != s["url"] {
		t.Errorf("after the edit: %+v, %v", c, err)
	}
}
