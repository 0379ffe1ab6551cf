package store

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/openintegrator/integrator/host/secrets"
)

// TestKeyChecksRunInTheWrite: Create and Update show their checks the key
// ids of the secrets they keep (an update's own are replaced), and a check
// that refuses leaves the store as it was.
func TestKeyChecksRunInTheWrite(t *testing.T) { eachBackend(t, testKeyChecksRunInTheWrite) }

func testKeyChecksRunInTheWrite(t *testing.T, be backend) {
	ctx := context.Background()
	s := open(t, be.place(t))
	a := conn("a", "a")
	if err := s.Create(ctx, a); err != nil {
		t.Fatal(err)
	}
	b := conn("b", "b")
	b.Secrets = map[string]secrets.Sealed{"password": {KeyID: "k2", Nonce: []byte("123456789012"), Ciphertext: []byte("ct")}}
	var seen []string
	saw := func(ids []string) error { seen = ids; return nil }
	if err := s.Create(ctx, b, saw); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(seen, []string{"k1"}) {
		t.Errorf("create saw %v, want [k1]", seen)
	}
	if err := s.Update(ctx, b, saw); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(seen, []string{"k1"}) {
		t.Errorf("update of b saw %v, want [k1] (b's own key left out)", seen)
	}
	if ids, _ := s.KeyIDs(ctx, ""); !slices.Equal(ids, []string{"k1", "k2"}) {
		t.Errorf("KeyIDs = %v", ids)
	}

	refuse := func([]string) error { return errors.New("no") }
	c := conn("c", "c")
	if err := s.Create(ctx, c, refuse); err == nil {
		t.Error("a refused create succeeded")
	}
	changed := conn("a", "a")
	changed.Secrets["password"] = secrets.Sealed{KeyID: "k3", Nonce: []byte("123456789012"), Ciphertext: []byte("x")}
	if err := s.Update(ctx, changed, refuse); err == nil {
		t.Error("a refused update succeeded")
	}
	list, _ := s.List(ctx)
	if len(list) != 2 || list[0].Secrets["password"].KeyID != "k1" {
		t.Errorf("after the refusals: %+v", list)
	}
}
