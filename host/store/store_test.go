package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/openintegrator/integrator/host/secrets"
	"github.com/openintegrator/integrator/schema"
)

func open(t *testing.T, home string) *Store {
	t.Helper()
	s, err := openPlace(context.Background(), home)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func conn(id, name string) Connection {
	return Connection{
		ID: id, Name: name, Type: "demo",
		Values:  schema.Config{"user": schema.StringValue("ann"), "retries": schema.IntValue(3), "debug": schema.BoolValue(true)},
		Secrets: map[string]secrets.Sealed{"password": {KeyID: "k1", Nonce: []byte("123456789012"), Ciphertext: []byte("ct")}},
	}
}

func TestCreateGetUpdateDelete(t *testing.T) { eachBackend(t, testCreateGetUpdateDelete) }

func testCreateGetUpdateDelete(t *testing.T, be backend) {
	ctx := context.Background()
	home := be.place(t)
	s := open(t, home)
	if err := s.Create(ctx, conn("id1", "Prod Ads")); err != nil {
		t.Fatal(err)
	}
	if err := s.Create(ctx, conn("id2", "prod ads")); !errors.Is(err, ErrNameTaken) {
		t.Errorf("same name in other case: err = %v", err)
	}
	got, err := s.Get(ctx, "PROD ADS")
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "Prod Ads" || got.Values.Text("retries") != "3" || got.Values["debug"].Type() != schema.Bool || string(got.Secrets["password"].Ciphertext) != "ct" {
		t.Errorf("got %+v", got)
	}
	if err := s.RecordTest(ctx, got.ID, TestResult{OK: true, Note: "ok"}); err != nil {
		t.Fatal(err)
	}
	upd := conn("id1", "ignored")
	upd.Values = schema.Config{"user": schema.StringValue("bob")}
	if err := s.Update(ctx, upd); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Get(ctx, "prod ads")
	if got.Values.Text("user") != "bob" || got.Values.Has("retries") || got.Name != "Prod Ads" || got.LastTest != nil {
		t.Errorf("after update: %+v", got)
	}
	if err := s.Update(ctx, conn("nope", "x")); !errors.Is(err, ErrNotFound) {
		t.Errorf("update of a missing connection: %v", err)
	}
	if err := s.Delete(ctx, "Prod ADS"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, "prod ads"); !errors.Is(err, ErrNotFound) {
		t.Errorf("after delete: %v", err)
	}
	if be.name == "sqlite" {
		info, err := os.Stat(filepath.Join(home, FileName))
		if err != nil || info.Mode().Perm() != 0o600 {
			t.Errorf("database file mode: %v %v", info, err)
		}
	}
}

// TestConcurrentWriters opens the database twice, as two CLI processes
// would, and writes from both at once: every write must land.
func TestConcurrentWriters(t *testing.T) { eachBackend(t, testConcurrentWriters) }

func testConcurrentWriters(t *testing.T, be backend) {
	ctx := context.Background()
	home := be.place(t)
	a, b := open(t, home), open(t, home)
	const each = 40
	var wg sync.WaitGroup
	errs := make(chan error, 2*each)
	for w, s := range []*Store{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				id := fmt.Sprintf("w%d-%d", w, i)
				if err := s.Create(ctx, conn(id, id)); err != nil {
					errs <- err
				}
				if err := s.RecordTest(ctx, id, TestResult{OK: true}); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	list, err := open(t, home).List(ctx)
	if err != nil || len(list) != 2*each {
		t.Fatalf("%d connections, %v", len(list), err)
	}
	for _, c := range list {
		if c.LastTest == nil || len(c.Secrets) != 1 || len(c.Values) != 3 {
			t.Errorf("%s incomplete: %+v", c.Name, c)
		}
	}
}

func TestResealIsAllOrNothing(t *testing.T) { eachBackend(t, testResealIsAllOrNothing) }

func testResealIsAllOrNothing(t *testing.T, be backend) {
	ctx := context.Background()
	s := open(t, be.place(t))
	for i := 0; i < 3; i++ {
		c := conn(fmt.Sprint("id", i), fmt.Sprint("c", i))
		if err := s.Create(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	calls := 0
	_, err := s.Reseal(ctx, func(b secrets.Binding, old secrets.Sealed) (secrets.Sealed, error) {
		calls++
		if calls == 3 {
			return secrets.Sealed{}, errors.New("boom")
		}
		return secrets.Sealed{KeyID: "k2", Nonce: old.Nonce, Ciphertext: old.Ciphertext}, nil
	})
	if err == nil {
		t.Fatal("no error")
	}
	list, _ := s.List(ctx)
	for _, c := range list {
		if c.Secrets["password"].KeyID != "k1" {
			t.Errorf("%s was re-sealed although the rotation failed", c.Name)
		}
	}
	n, err := s.Reseal(ctx, func(b secrets.Binding, old secrets.Sealed) (secrets.Sealed, error) {
		if b.Field != "password" || b.ConnectionID == "" {
			t.Errorf("binding %+v", b)
		}
		return secrets.Sealed{KeyID: "k2", Nonce: old.Nonce, Ciphertext: old.Ciphertext}, nil
	})
	if err != nil || n != 3 {
		t.Fatalf("reseal: %d %v", n, err)
	}
	list, _ = s.List(ctx)
	for _, c := range list {
		if c.Secrets["password"].KeyID != "k2" {
			t.Errorf("%s not re-sealed", c.Name)
		}
	}
}

func TestReopenKeepsDataAndSchema(t *testing.T) { eachBackend(t, testReopenKeepsDataAndSchema) }

func testReopenKeepsDataAndSchema(t *testing.T, be backend) {
	ctx := context.Background()
	home := be.place(t)
	s := open(t, home)
	if err := s.Create(ctx, conn("id", "keep")); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := open(t, home).Get(ctx, "keep"); err != nil {
		t.Fatal(err)
	}
}
