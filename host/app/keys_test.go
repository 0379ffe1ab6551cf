package app

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/openintegrator/integrator/host/secrets"
)

// A rotation seals every secret again under a new key; the connection
// still works. A new key that is no key changes nothing, and the message
// names where it came from, not what it holds.
func TestRotateKeys(t *testing.T) {
	ctx := testCtx(t)
	a, e, _ := testApp(t)
	s := startSim(t)
	create(t, a, e, s, "Prod")
	const notAKey = "not-a-key-Mkf564uuKyckGmytmx"
	if _, err := a.RotateKeys(ctx, NewKey{Text: notAKey, Source: "NEW_KEY"}); err == nil ||
		!strings.Contains(err.Error(), "NEW_KEY") || strings.Contains(err.Error(), notAKey) {
		t.Errorf("rotating to a key that is none: %v", err)
	}
	r, err := a.RotateKeys(ctx, NewKey{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Resealed != len(s.secrets(spec(t, a))) || r.Old == r.New || r.FromEnv || r.KeyFile != filepath.Join(e.get("INTEGRATOR_HOME"), "master.key") {
		t.Errorf("rotation: %+v", r)
	}
	if res, err := a.TestConnection(ctx, "Prod"); err != nil || !res.OK {
		t.Errorf("the connection after the rotation: %+v, %v", res, err)
	}
}

// A use case that waits for the key lock another process holds says so,
// once, through OnKeyLockWait, and goes on when the lock is free.
func TestKeyLockWaitIsHeard(t *testing.T) {
	ctx := testCtx(t)
	a, e, _ := testApp(t)
	heard := make(chan bool, 4)
	a.opts.OnKeyLockWait = func(exclusive bool) { heard <- exclusive }
	s := startSim(t)
	create(t, a, e, s, "Prod")
	other, err := secrets.Load(e.get, e.get("INTEGRATOR_HOME"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		held      secrets.LockMode
		exclusive bool
		call      func() error
	}{
		{secrets.Exclusive, false, func() error { return second(a.TestConnection(ctx, "Prod")) }},
		{secrets.Shared, true, func() error { return second(a.RotateKeys(ctx, NewKey{})) }},
	} {
		unlock, err := other.Lock(ctx, tt.held, nil)
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- tt.call() }()
		if got := <-heard; got != tt.exclusive {
			t.Errorf("held %v: heard exclusive=%v", tt.held, got)
		}
		unlock()
		if err := <-done; err != nil {
			t.Errorf("held %v: %v", tt.held, err)
		}
	}
	if len(heard) != 0 {
		t.Errorf("heard %d more waits", len(heard))
	}
}
