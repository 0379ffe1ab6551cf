package connections

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/openintegrator/integrator/host/secrets"
	"github.com/openintegrator/integrator/host/store"
	"github.com/openintegrator/integrator/schema"
)

var genericSpec = schema.Spec{Type: "generic", Name: "Generic", Version: "1.0.0", Fields: []schema.Field{
	{Key: "login", Label: "Login", Kind: schema.KindString, Required: true, View: schema.ViewSimple},
	{Key: "secret", Label: "Secret", Kind: schema.KindString, Required: true, Secret: true, View: schema.ViewSimple},
}}

// A converted connection's secrets are sealed anew under their new keys,
// bound to the same connection: they open under those keys, and a
// ciphertext moved back to the old key does not open.
func TestConvertSealsUnderTheNewKeys(t *testing.T) {
	ctx := context.Background()
	home := t.TempDir()
	svc := service(t, home, envKey(0))
	if _, err := svc.Create(ctx, demoSpec, "a", demoConfig("pw-of-a"), nil); err != nil {
		t.Fatal(err)
	}
	was, _ := svc.Store.Get(ctx, "a")
	cfg := schema.Config{"login": schema.StringValue("ann"), "secret": schema.StringValue("pw-of-a")}
	if err := svc.Convert(ctx, genericSpec, was, cfg, store.TestResult{OK: true, At: time.Now(), Note: "ok"}); err != nil {
		t.Fatal(err)
	}
	got, err := svc.Store.Get(ctx, "a")
	if err != nil || got.Type != "generic" || got.ID != was.ID || got.Values.Has("secret") || got.Values.Text("login") != "ann" {
		t.Fatalf("converted: %+v %v", got, err)
	}
	opened, err := svc.Open(got)
	if err != nil || opened.Text("secret") != "pw-of-a" {
		t.Fatalf("opened: %v", err)
	}
	got.Secrets = map[string]secrets.Sealed{"password": got.Secrets["secret"]}
	if _, err := svc.Open(got); !errors.Is(err, secrets.ErrIntegrity) {
		t.Errorf("the new ciphertext under the old key: %v", err)
	}
}

// Under another master key the conversion is refused and nothing changes.
func TestConvertUnderAnotherKeyIsRefused(t *testing.T) {
	ctx := context.Background()
	home := t.TempDir()
	first := service(t, home, envKey(0))
	for _, name := range []string{"a", "b"} {
		if _, err := first.Create(ctx, demoSpec, name, demoConfig("pw-"+name), nil); err != nil {
			t.Fatal(err)
		}
	}
	other := service(t, home, envKey(9))
	was, _ := other.Store.Get(ctx, "a")
	cfg := schema.Config{"login": schema.StringValue("ann"), "secret": schema.StringValue("pw-a")}
	err := other.Convert(ctx, genericSpec, was, cfg, store.TestResult{OK: true, At: time.Now()})
	var mismatch *KeyMismatchError
	if !errors.As(err, &mismatch) || !strings.Contains(err.Error(), "Nothing was changed") {
		t.Fatalf("err = %v", err)
	}
	if got := openAll(t, home, envKey(0)); got["a"] != "pw-a" || got["b"] != "pw-b" {
		t.Errorf("after the refusal: %v", got)
	}
	if c, _ := first.Store.Get(ctx, "a"); c.Type != "demo" {
		t.Errorf("type after the refusal: %s", c.Type)
	}
}
