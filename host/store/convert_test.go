package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/openintegrator/integrator/host/secrets"
	"github.com/openintegrator/integrator/schema"
)

// A converted connection keeps its id, name and creation, takes the new
// type, settings, secrets and test result, and keeps its checkpoints.
func TestConvertKeepsTheConnection(t *testing.T) { eachBackend(t, testConvertKeepsTheConnection) }

func testConvertKeepsTheConnection(t *testing.T, be backend) {
	ctx := context.Background()
	s := open(t, be.place(t))
	if err := s.Create(ctx, conn("id1", "Prod")); err != nil {
		t.Fatal(err)
	}
	was, _ := s.Get(ctx, "Prod")
	if err := s.StartExportRun(ctx, ExportRun{ID: "run1", ConnectionID: "id1", RunKey: "export:k", OutPath: "/o", What: "export"}); err != nil {
		t.Fatal(err)
	}
	to := Connection{Type: "generic", Values: schema.Config{"base_uri": schema.StringValue("https://x/12")},
		Secrets: map[string]secrets.Sealed{"consumer_secret": {KeyID: "k1", Nonce: []byte("123456789012"), Ciphertext: []byte("ct2")}}}
	at := time.Unix(1700000000, 0)
	if err := s.Convert(ctx, was, to, TestResult{OK: true, At: at, Note: "ok"}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(ctx, "prod")
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != "id1" || got.Name != "Prod" || got.Type != "generic" || !got.CreatedAt.Equal(was.CreatedAt) || !got.UpdatedAt.After(was.UpdatedAt) {
		t.Errorf("converted: %+v", got)
	}
	if diff := cmp.Diff(map[string]string{"base_uri": "https://x/12"}, texts(got.Values)); diff != "" {
		t.Errorf("values (-want +got):\n%s", diff)
	}
	if len(got.Secrets) != 1 || string(got.Secrets["consumer_secret"].Ciphertext) != "ct2" {
		t.Errorf("secrets: %v", got.Secrets)
	}
	if got.LastTest == nil || !got.LastTest.OK || !got.LastTest.At.Equal(at) {
		t.Errorf("test: %+v", got.LastTest)
	}
	if r, err := s.ExportRun(ctx, "export:k"); err != nil || r.ConnectionID != "id1" {
		t.Errorf("the export's checkpoint: %+v, %v", r, err)
	}
}

// Convert refuses, changing nothing, a connection that a run uses, one
// edited since it was read, one that is gone, and a failing key check.
func TestConvertRefusalsChangeNothing(t *testing.T) { eachBackend(t, testConvertRefusalsChangeNothing) }

func testConvertRefusalsChangeNothing(t *testing.T, be backend) {
	ctx := context.Background()
	s := open(t, be.place(t))
	if err := s.Create(ctx, conn("id1", "Prod")); err != nil {
		t.Fatal(err)
	}
	was, _ := s.Get(ctx, "Prod")
	to := Connection{Type: "generic", Values: schema.Config{"x": schema.StringValue("y")}}
	test := TestResult{OK: true, At: time.Now()}
	unchanged := func(what string) {
		t.Helper()
		got, _ := s.Get(ctx, "Prod")
		if got.Type != "demo" || got.Values.Text("user") != "ann" || len(got.Secrets) != 1 {
			t.Errorf("%s changed the connection: %+v", what, got)
		}
	}

	l, err := s.Acquire(ctx, Owner{Key: "export:o", RunID: "r1", ConnectionID: "id1", What: "export"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Convert(ctx, was, to, test); !errors.Is(err, ErrInUse) {
		t.Errorf("in use: %v", err)
	}
	unchanged("a run in progress")
	l.Release()

	refused := errors.New("another key")
	if err := s.Convert(ctx, was, to, test, func([]string) error { return refused }); !errors.Is(err, refused) {
		t.Errorf("key check: %v", err)
	}
	unchanged("a failed key check")

	edited := conn("id1", "Prod")
	if err := s.Update(ctx, edited); err != nil {
		t.Fatal(err)
	}
	if err := s.Convert(ctx, was, to, test); !errors.Is(err, ErrChanged) {
		t.Errorf("edited meanwhile: %v", err)
	}
	unchanged("an edit in between")

	now, _ := s.Get(ctx, "Prod")
	if err := s.Delete(ctx, "Prod"); err != nil {
		t.Fatal(err)
	}
	if err := s.Convert(ctx, now, to, test); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleted: %v", err)
	}
}

func texts(c schema.Config) map[string]string {
	out := map[string]string{}
	for k, v := range c {
		out[k] = v.Text()
	}
	return out
}
