package connections

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/openintegrator/integrator/host/secrets"
	"github.com/openintegrator/integrator/host/store"
	"github.com/openintegrator/integrator/schema"
)

var demoSpec = schema.Spec{Type: "demo", Name: "Demo", Version: "1.0.0", Fields: []schema.Field{
	{Key: "user", Label: "User", Kind: schema.KindString, Required: true, View: schema.ViewSimple},
	{Key: "password", Label: "Password", Kind: schema.KindString, Required: true, Secret: true, View: schema.ViewSimple},
}}

func demoConfig(password string) schema.Config {
	return schema.Config{"user": schema.StringValue("ann"), "password": schema.StringValue(password)}
}

// envKey returns a getenv that sets INTEGRATOR_MASTER_KEY to 32 bytes of b,
// or nothing for b == 0 (the key file is used).
func envKey(b byte) func(string) string {
	return func(name string) string {
		if name == secrets.KeyEnv && b != 0 {
			return base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{b}, 32))
		}
		return ""
	}
}

// service opens the store and keyring of home as one CLI process would.
func service(t *testing.T, home string, getenv func(string) string) *Service {
	t.Helper()
	keys, err := secrets.Load(getenv, home)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), home)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return &Service{Store: st, Keys: keys}
}

// openAll opens every stored secret with a freshly loaded keyring and
// returns the passwords by connection name.
func openAll(t *testing.T, home string, getenv func(string) string) map[string]string {
	t.Helper()
	svc := service(t, home, getenv)
	list, err := svc.Store.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, c := range list {
		cfg, err := svc.Open(c)
		if err != nil {
			t.Fatalf("opening %s: %v", c.Name, err)
		}
		out[c.Name] = cfg.Text("password")
	}
	return out
}

func TestSealingUnderAnotherKeyIsRefused(t *testing.T) {
	ctx := context.Background()
	home := t.TempDir()
	first := service(t, home, envKey(0)) // the key file
	for _, name := range []string{"a", "b"} {
		if _, err := first.Create(ctx, demoSpec, name, demoConfig("pw-"+name), nil); err != nil {
			t.Fatal(err)
		}
	}
	fileKey := first.Keys.Primary.ID

	other := service(t, home, envKey(9))
	envID := other.Keys.Primary.ID
	check := func(what string, err error) {
		t.Helper()
		var mismatch *KeyMismatchError
		if !errors.As(err, &mismatch) {
			t.Fatalf("%s: err = %v, want a KeyMismatchError", what, err)
		}
		msg := err.Error()
		for _, want := range []string{envID, fileKey, secrets.KeyEnv, "Nothing was changed"} {
			if !strings.Contains(msg, want) {
				t.Errorf("%s: the message lacks %q:\n%s", what, want, msg)
			}
		}
	}
	check("CheckKeys", other.CheckKeys(ctx, ""))
	_, err := other.Create(ctx, demoSpec, "c", demoConfig("pw-c"), nil)
	check("Create", err)
	a, err := other.Store.Get(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	check("Update", other.Update(ctx, demoSpec, a, demoConfig("pw-a2"), nil))

	if ids, _ := other.Store.KeyIDs(ctx, ""); len(ids) != 1 || ids[0] != fileKey {
		t.Errorf("stored key ids after the refusals: %v, want only %s", ids, fileKey)
	}
	if got := openAll(t, home, envKey(0)); len(got) != 2 || got["a"] != "pw-a" || got["b"] != "pw-b" {
		t.Errorf("after the refusals: %v", got)
	}
	if _, _, _, err := first.Rotate(ctx, nil); err != nil {
		t.Errorf("rotation after the refusals: %v", err)
	}
}

// TestEditRepairsAStoreWithTwoKeys: a store that holds secrets under two
// keys (as the bug this guards against left them) can be repaired by
// editing the connections under the other key with the right one: an edit
// replaces the connection's own secrets, so only the others are checked.
func TestEditRepairsAStoreWithTwoKeys(t *testing.T) {
	ctx := context.Background()
	home := t.TempDir()
	good := service(t, home, envKey(1))
	if _, err := good.Create(ctx, demoSpec, "a", demoConfig("pw-a"), nil); err != nil {
		t.Fatal(err)
	}
	// Planted the way the old bug did it: sealed under key 2, no check.
	bad := service(t, home, envKey(2))
	c := store.Connection{ID: NewID(), Name: "b", Type: "demo", Values: schema.Config{"user": schema.StringValue("ann")}}
	sealed, err := bad.Keys.Seal([]byte("pw-b"), secrets.Binding{ConnectionID: c.ID, Field: "password"})
	if err != nil {
		t.Fatal(err)
	}
	c.Secrets = map[string]secrets.Sealed{"password": sealed}
	if err := bad.Store.Create(ctx, c); err != nil {
		t.Fatal(err)
	}

	if err := good.CheckKeys(ctx, ""); err == nil {
		t.Fatal("CheckKeys accepts a store with two keys")
	}
	b, _ := good.Store.Get(ctx, "b")
	if err := good.CheckKeys(ctx, b.ID); err != nil {
		t.Fatalf("CheckKeys for an edit of b: %v", err)
	}
	if err := good.Update(ctx, demoSpec, b, demoConfig("pw-b"), nil); err != nil {
		t.Fatalf("editing b with key 1: %v", err)
	}
	if got := openAll(t, home, envKey(1)); got["a"] != "pw-a" || got["b"] != "pw-b" {
		t.Errorf("after the repair: %v", got)
	}
}

// TestRotationAfterAnotherProcessRotated: two processes load the key
// file; the first rotates; the second's rotation must rotate the key the
// first installed, not fail on it (or seal with a key nobody keeps).
func TestRotationAfterAnotherProcessRotated(t *testing.T) {
	ctx := context.Background()
	home := t.TempDir()
	seed := service(t, home, envKey(0))
	for _, name := range []string{"a", "b", "c"} {
		if _, err := seed.Create(ctx, demoSpec, name, demoConfig("pw-"+name), nil); err != nil {
			t.Fatal(err)
		}
	}
	p1, p2 := service(t, home, envKey(0)), service(t, home, envKey(0))
	if _, _, _, err := p1.Rotate(ctx, nil); err != nil {
		t.Fatal(err)
	}
	n, old, installed, err := p2.Rotate(ctx, nil)
	if err != nil {
		t.Fatalf("the second rotation: %v", err)
	}
	if n != 3 || old.ID != p1.Keys.Primary.ID {
		t.Errorf("the second rotation re-sealed %d secrets from key %s; want 3 from %s", n, old.ID, p1.Keys.Primary.ID)
	}
	if got := openAll(t, home, envKey(0)); len(got) != 3 || got["c"] != "pw-c" {
		t.Errorf("after both rotations: %v", got)
	}
	if kr, _ := secrets.Load(envKey(0), home); kr.Primary.ID != installed.ID {
		t.Errorf("key file holds %s, want %s", kr.Primary.ID, installed.ID)
	}
}

// TestConcurrentRotations runs rotations and creates from several
// "processes" (each its own store handle and keyring) at once: every
// secret must open with the key file at the end.
func TestConcurrentRotations(t *testing.T) {
	ctx := context.Background()
	home := t.TempDir()
	seed := service(t, home, envKey(0))
	for i := range 4 {
		if _, err := seed.Create(ctx, demoSpec, fmt.Sprint("c", i), demoConfig(fmt.Sprint("pw", i)), nil); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for w := range 3 {
		svc := service(t, home, envKey(0))
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 3 {
				if _, _, _, err := svc.Rotate(ctx, nil); err != nil {
					errs <- fmt.Errorf("rotation %d/%d: %w", w, i, err)
				}
			}
			if _, err := svc.Create(ctx, demoSpec, fmt.Sprint("new", w), demoConfig(fmt.Sprint("pw-new", w)), nil); err != nil {
				errs <- fmt.Errorf("create %d: %w", w, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	got := openAll(t, home, envKey(0))
	if len(got) != 7 || got["c3"] != "pw3" || got["new2"] != "pw-new2" {
		t.Errorf("after concurrent rotations: %v", got)
	}
	if _, err := os.Stat(filepath.Join(home, secrets.KeyFileName+".new")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a pending key is left behind: %v", err)
	}
}
