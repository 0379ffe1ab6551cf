package store

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openintegrator/integrator/schema"
)

// A key/value list is stored with its type and reads back entry for
// entry; one whose secret entries still hold their values is refused,
// and nothing of the connection is written.
func TestKeyValuesAreStoredTyped(t *testing.T) { eachBackend(t, testKeyValuesAreStoredTyped) }

func testKeyValuesAreStoredTyped(t *testing.T, be backend) {
	ctx := context.Background()
	s := open(t, be.place(t))
	entries := []schema.KV{{Name: "Accept", Value: "application/json"}, {Name: "X-Api-Key", Secret: true}, {Name: "Ä", Value: "b=c, d"}}
	c := conn("id1", "Lists")
	c.Values["headers"] = schema.KeyValuesValue(entries)
	if err := s.Create(ctx, c); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(ctx, "lists")
	if err != nil {
		t.Fatal(err)
	}
	back, ok := got.Values["headers"].Entries()
	if !ok || !cmp.Equal(entries, back) {
		t.Errorf("headers read back as %+v (a list: %v)", back, ok)
	}

	leak := conn("id2", "Leak")
	leak.Values["headers"] = schema.KeyValuesValue([]schema.KV{{Name: "X-Api-Key", Value: "s3cr3t-in-clear", Secret: true}})
	err = s.Create(ctx, leak)
	if err == nil || !strings.Contains(err.Error(), "setting headers: a key/value list with secret values cannot be stored in clear") ||
		strings.Contains(err.Error(), "s3cr3t") {
		t.Errorf("a list with a secret value in clear: %v", err)
	}
	if _, err := s.Get(ctx, "leak"); err == nil {
		t.Error("the refused connection was stored")
	}
}
