package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/openintegrator/integrator/host/secrets"
)

// A run's artifact reads back as its pieces concatenated in seq order,
// whatever order they were added in; pieces of another name or run are
// not part of it; DeleteArtifacts forgets a run's pieces only.
func TestArtifactsReadInSeqOrder(t *testing.T) { eachBackend(t, testArtifactsReadInSeqOrder) }

func testArtifactsReadInSeqOrder(t *testing.T, be backend) {
	ctx := context.Background()
	s := open(t, be.place(t))
	add := func(run, name string, seq int64, data string, records int64) {
		t.Helper()
		if err := s.AddArtifacts(ctx, []Artifact{{RunID: run, Name: name, Seq: seq, Data: []byte(data), Records: records}}, nil); err != nil {
			t.Fatal(err)
		}
	}
	add("r1", ArtifactOutput, 2, "c\n", 1)
	add("r1", ArtifactOutput, 0, "a\n", 1)
	add("r1", ArtifactOutput, 10, "d\ne\n", 2)
	add("r1", ArtifactOutput, 1, "b\n", 1)
	add("r1", ArtifactErrors, 0, "error\n", 1)
	add("r2", ArtifactOutput, 0, "other\n", 1)
	var b bytes.Buffer
	tot, err := s.WriteArtifact(ctx, "r1", ArtifactOutput, &b)
	if err != nil {
		t.Fatal(err)
	}
	if b.String() != "a\nb\nc\nd\ne\n" || tot != (ArtifactTotals{Pieces: 4, Bytes: 10, Records: 5}) {
		t.Fatalf("wrote %q %+v", b.String(), tot)
	}
	if got, _ := s.ArtifactTotals(ctx, "r1", ArtifactOutput); got != tot {
		t.Errorf("totals %+v, want %+v", got, tot)
	}
	if err := s.DeleteArtifacts(ctx, "r1"); err != nil {
		t.Fatal(err)
	}
	b.Reset()
	if tot, err := s.WriteArtifact(ctx, "r1", ArtifactOutput, &b); err != nil || b.Len() != 0 || tot.Pieces != 0 {
		t.Fatalf("after delete: %q %+v %v", b.String(), tot, err)
	}
	if tot, _ := s.ArtifactTotals(ctx, "r2", ArtifactOutput); tot.Pieces != 1 {
		t.Errorf("r2 lost its artifact: %+v", tot)
	}
}

// AddArtifacts' also hook runs in the same transaction: when it fails,
// the pieces are not stored; a piece stored twice fails the write and
// changes nothing.
func TestArtifactsCommitWithTheirHook(t *testing.T) { eachBackend(t, testArtifactsCommitWithTheirHook) }

func testArtifactsCommitWithTheirHook(t *testing.T, be backend) {
	ctx := context.Background()
	s := open(t, be.place(t))
	boom := errors.New("boom")
	err := s.AddArtifacts(ctx, []Artifact{{RunID: "r", Name: ArtifactOutput, Seq: 0, Data: []byte("x")}}, func(*sql.Tx) error { return boom })
	if !errors.Is(err, boom) {
		t.Fatalf("got %v, want the hook's error", err)
	}
	if tot, _ := s.ArtifactTotals(ctx, "r", ArtifactOutput); tot.Pieces != 0 {
		t.Fatalf("a failed hook left %+v", tot)
	}
	ran := false
	err = s.AddArtifacts(ctx, []Artifact{{RunID: "r", Name: ArtifactOutput, Seq: 0, Data: []byte("x")}}, func(tx *sql.Tx) error {
		ran = true
		return s.queueRunInTx(ctx, tx)
	})
	if err != nil || !ran {
		t.Fatalf("err %v, ran %v", err, ran)
	}
	if _, err := s.HistoryRun(ctx, "hooked"); err != nil {
		t.Errorf("the hook's row was not committed: %v", err)
	}
	err = s.AddArtifacts(ctx, []Artifact{{RunID: "r", Name: ArtifactOutput, Seq: 1, Data: []byte("y")}, {RunID: "r", Name: ArtifactOutput, Seq: 0, Data: []byte("z")}}, nil)
	if err == nil {
		t.Fatal("storing seq 0 twice succeeded")
	}
	var b bytes.Buffer
	if _, err := s.WriteArtifact(ctx, "r", ArtifactOutput, &b); err != nil || b.String() != "x" {
		t.Fatalf("after a refused write: %q %v", b.String(), err)
	}
}

// queueRunInTx writes a history row in tx, as a hook would.
func (s *Store) queueRunInTx(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO run_history (id, kind, connection_id, connection, what, options, outcome, attempts, started_at)
		VALUES ('hooked', 'export', 'c', 'c', 'w', '{}', 'queued', 1, ?)`, time.Now().UnixNano())
	return err
}

// The store records the first master key id it is given and keeps it;
// a rotation (Reseal) moves it to the new key.
func TestMasterKeyIDRecorded(t *testing.T) { eachBackend(t, testMasterKeyIDRecorded) }

func testMasterKeyIDRecorded(t *testing.T, be backend) {
	ctx := context.Background()
	s := open(t, be.place(t))
	if id, err := s.MasterKeyID(ctx); err != nil || id != "" {
		t.Fatalf("a new store has %q, %v", id, err)
	}
	if id, err := s.RecordMasterKeyID(ctx, "k1"); err != nil || id != "k1" {
		t.Fatalf("recording k1 gave %q, %v", id, err)
	}
	if id, err := s.RecordMasterKeyID(ctx, "k2"); err != nil || id != "k1" {
		t.Fatalf("recording k2 after k1 gave %q, %v; want k1 kept", id, err)
	}
	if err := s.Create(ctx, conn("c1", "c1")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Reseal(ctx, func(_ secrets.Binding, old secrets.Sealed) (secrets.Sealed, error) {
		old.KeyID = "k3"
		return old, nil
	}); err != nil {
		t.Fatal(err)
	}
	if id, _ := s.MasterKeyID(ctx); id != "k3" {
		t.Fatalf("after a rotation to k3 the store records %q", id)
	}
}
