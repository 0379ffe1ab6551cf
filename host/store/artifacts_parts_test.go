package store

import (
	"bytes"
	"context"
	"database/sql"
	"strconv"
	"sync"
	"testing"
	"time"
)

// A queued run cut into parts ends when its last part ends, once, with
// what its tallies add up to, even when its last two parts end at the
// same moment from two processes; a part run again (its worker died
// after it ended) replaces its output and ends nothing again.
func TestEndPartEndsTheRunOnce(t *testing.T) { eachBackend(t, testEndPartEndsTheRunOnce) }

func testEndPartEndsTheRunOnce(t *testing.T, be backend) {
	ctx := context.Background()
	home := be.place(t)
	s := open(t, home)
	for round := range 5 {
		id := "r" + strconv.Itoa(round)
		if err := s.QueueRun(ctx, HistoryRun{ID: id, Kind: "import", ConnectionID: "c1", Connection: "ads", What: "w", Options: "{}", StartedAt: time.Now()}, nil); err != nil {
			t.Fatal(err)
		}
		sum := func(tallies [][]byte) RunEnd {
			var n int64
			for _, t := range tallies {
				v, _ := strconv.ParseInt(string(t), 10, 64)
				n += v
			}
			return RunEnd{Outcome: OutcomeOK, Records: n, Summary: strconv.FormatInt(n, 10) + " records"}
		}
		end := func(st *Store, part int64, text string) bool {
			ended, err := st.EndPart(ctx, PartEnd{RunID: id, Part: part, Parts: 3, Tally: []byte(strconv.Itoa(len(text))),
				Out: []Artifact{{RunID: id, Name: ArtifactResults, Seq: part, Data: []byte(text)}}}, sum, nil)
			if err != nil {
				t.Fatal(err)
			}
			return ended
		}
		if end(s, 0, "aa") {
			t.Fatal("the first of three parts ended the run")
		}
		other := open(t, home) // as another worker
		var wg sync.WaitGroup
		var ends [2]bool
		for i, st := range []*Store{s, other} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ends[i] = end(st, int64(i+1), "bbb"[:i+2])
			}()
		}
		wg.Wait()
		if ends[0] == ends[1] {
			t.Fatalf("round %d: the last two parts ended the run %v: want exactly one", round, ends)
		}
		r, err := s.HistoryRun(ctx, id)
		if err != nil || r.Outcome != OutcomeOK || r.Records != 7 || r.Summary != "7 records" || r.EndedAt.IsZero() {
			t.Fatalf("run: %+v %v", r, err)
		}
		if end(s, 0, "AA") {
			t.Error("a part run again ended the run again")
		}
		var b bytes.Buffer
		if _, err := s.WriteArtifact(ctx, id, ArtifactResults, &b); err != nil || b.String() != "AAbbbbb" {
			t.Errorf("results %q %v", b.String(), err)
		}
	}
}

// A cancelled run is not ended by its last part.
func TestEndPartLeavesACancelledRun(t *testing.T) { eachBackend(t, testEndPartLeavesACancelledRun) }

func testEndPartLeavesACancelledRun(t *testing.T, be backend) {
	ctx := context.Background()
	s := open(t, be.place(t))
	if err := s.QueueRun(ctx, HistoryRun{ID: "r", Kind: "report", ConnectionID: "c1", Connection: "ads", What: "w", Options: "{}", StartedAt: time.Now()}, nil); err != nil {
		t.Fatal(err)
	}
	hooked := 0
	ended, err := s.EndQueuedRun(ctx, "r", OutcomeStopped, 0, "", "cancelled", func(*sql.Tx) error { hooked++; return nil })
	if err != nil || !ended || hooked != 1 {
		t.Fatalf("%v %v %d", ended, err, hooked)
	}
	ended, err = s.EndQueuedRun(ctx, "r", OutcomeFailed, 0, "", "", func(*sql.Tx) error { hooked++; return nil })
	if err != nil || ended || hooked != 1 {
		t.Fatalf("ended twice: %v %v %d", ended, err, hooked)
	}
	ended, err = s.EndPart(ctx, PartEnd{RunID: "r", Part: 0, Parts: 1, Tally: []byte("1")}, func([][]byte) RunEnd { return RunEnd{Outcome: OutcomeOK} }, nil)
	if err != nil || ended {
		t.Fatalf("a part ended a stopped run: %v %v", ended, err)
	}
	if r, _ := s.HistoryRun(ctx, "r"); r.Outcome != OutcomeStopped || r.Error != "cancelled" {
		t.Errorf("run %+v", r)
	}
}

// A byte range of an artifact reads across its pieces; a range beyond it
// is refused. PutArtifacts replaces a piece, Artifact reads one.
func TestArtifactRanges(t *testing.T) { eachBackend(t, testArtifactRanges) }

func testArtifactRanges(t *testing.T, be backend) {
	ctx := context.Background()
	s := open(t, be.place(t))
	var pieces []Artifact
	for i, p := range []string{"abc", "defg", "", "hi"} {
		pieces = append(pieces, Artifact{RunID: "r", Name: ArtifactInput, Seq: int64(i), Data: []byte(p)})
	}
	if err := s.PutArtifacts(ctx, pieces, nil); err != nil {
		t.Fatal(err)
	}
	all := "abcdefghi"
	for off := range len(all) + 1 {
		for n := 0; off+n <= len(all); n++ {
			var b bytes.Buffer
			if err := s.WriteArtifactRange(ctx, "r", ArtifactInput, int64(off), int64(n), &b); err != nil || b.String() != all[off:off+n] {
				t.Fatalf("[%d, +%d): %q %v", off, n, b.String(), err)
			}
		}
	}
	if err := s.WriteArtifactRange(ctx, "r", ArtifactInput, 5, 5, &bytes.Buffer{}); err == nil {
		t.Error("a range beyond the artifact: no error")
	}
	if err := s.PutArtifacts(ctx, []Artifact{{RunID: "r", Name: ArtifactInput, Seq: 1, Data: []byte("DEFG"), Records: 4}}, nil); err != nil {
		t.Fatal(err)
	}
	a, ok, err := s.Artifact(ctx, "r", ArtifactInput, 1)
	if err != nil || !ok || string(a.Data) != "DEFG" || a.Records != 4 {
		t.Errorf("piece 1: %+v %v %v", a, ok, err)
	}
	if _, ok, err := s.Artifact(ctx, "r", ArtifactInput, 9); ok || err != nil {
		t.Errorf("piece 9: %v %v", ok, err)
	}
	if got, err := s.Artifacts(ctx, "r", ArtifactInput); err != nil || len(got) != 4 || string(got[3].Data) != "hi" {
		t.Errorf("all pieces: %+v %v", got, err)
	}
}
