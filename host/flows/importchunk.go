package flows

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/openintegrator/integrator/host/store"
)

// An import queued for workers is cut into chunks that jobs import one
// each, side by side. A chunk goes through the same machinery as an
// import in one process (pass): the same ledger, claims, batches,
// concurrency and rate-limit waits, so a record is known by what it is
// whichever chunk or process holds it.

// ImportChunk is one part of a queued import's input: whole lines, from
// its first record to the next chunk's (blank lines after its last record
// are its own).
type ImportChunk struct {
	Seq     int   `json:"seq"`     // its place, from 0
	Offset  int64 `json:"offset"`  // where its first line starts in the input
	Size    int64 `json:"size"`    // its bytes
	Line    int64 `json:"line"`    // the input's lines before it
	Records int64 `json:"records"` // its records: lines that are not blank
	// Prior holds, by hash, how many times each of its records that also
	// occurs earlier in the input does so there: its occurrence numbers,
	// and so its keys in the ledger, are the whole input's.
	Prior map[string]int64 `json:"prior,omitempty"`
}

// The bounds of a chunk.
const (
	// DefaultChunkRecords is how many records a chunk holds by default:
	// at the default 4 requests in flight and 100 ms an answer, about 2.5 s
	// of work, so a few workers share an input of a few thousand records
	// and a chunk run again after its worker died repeats little.
	DefaultChunkRecords = 100
	// MaxChunkRecords bounds ⟪chunk⟫.
	MaxChunkRecords = 10000
	// MaxChunkBytes ends a chunk once it holds this much, so that a job's
	// copy of it and its results stay small; a record longer than that is
	// a chunk of its own.
	MaxChunkBytes = 4 << 20
)

// PlanChunks reads an import's input once and cuts it into chunks of at
// most records records (0: DefaultChunkRecords) and about MaxChunkBytes
// bytes. A line longer than maxRecordBytes is a record (it fails) and is
// not held in memory. An input with no record has no chunk.
func PlanChunks(in io.Reader, records, maxRecordBytes int) ([]ImportChunk, error) {
	if records == 0 {
		records = DefaultChunkRecords
	}
	if records < 1 || records > MaxChunkRecords {
		return nil, fmt.Errorf("⟪chunk⟫ %d: use 1 to %d records", records, MaxChunkRecords)
	}
	if maxRecordBytes == 0 {
		maxRecordBytes = DefaultMaxRecordBytes
	}
	lr := newLineReader(in, maxRecordBytes)
	occ := occurrences{}
	var chunks []ImportChunk
	var cur *ImportChunk
	var before map[[sha256.Size]byte]int64 // occurrences before cur, of its records
	var lines int64
	end := func() {
		if cur == nil {
			return
		}
		for sum, n := range before {
			if n > 0 {
				if cur.Prior == nil {
					cur.Prior = map[string]int64{}
				}
				cur.Prior[hex.EncodeToString(sum[:])] = n
			}
		}
		chunks = append(chunks, *cur)
	}
	for {
		ln, err := lr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		lines++
		blank := !ln.long && isBlank(ln.text)
		full := cur != nil && (cur.Records >= int64(records) || cur.Size >= MaxChunkBytes)
		switch {
		case cur == nil && blank:
			continue // leading blank lines go with the first chunk
		case cur == nil || (full && !blank):
			end()
			offset := ln.offset
			if cur == nil {
				offset = 0
			}
			cur = &ImportChunk{Seq: len(chunks), Offset: offset, Line: lines - 1}
			if len(chunks) == 0 {
				cur.Line = 0
			}
			before = map[[sha256.Size]byte]int64{}
		}
		cur.Size = lr.offset - cur.Offset
		if blank {
			continue
		}
		cur.Records++
		if ln.long {
			continue
		}
		if _, canon, err := readRecord(ln.text); err == nil {
			sum := sha256.Sum256(canon)
			if _, seen := before[sum]; !seen {
				before[sum] = occ[sum]
			}
			occ[sum]++
		}
	}
	end()
	return chunks, nil
}

// priorOccurrences turns a chunk's Prior into the occurrences its pass
// starts from.
func priorOccurrences(prior map[string]int64) (occurrences, error) {
	occ := occurrences{}
	for h, n := range prior {
		b, err := hex.DecodeString(h)
		if err != nil || len(b) != sha256.Size {
			return nil, fmt.Errorf("the chunk's plan names a record hash %q that is not one", h)
		}
		occ[[sha256.Size]byte(b)] = n
	}
	return occ, nil
}

// RunChunk imports one chunk of the input of the queued run runID; in
// holds the chunk's bytes, copied to a temporary file first. Its result
// lines go to results and the failed records' lines to errs, as a run in
// one process writes them (line numbers are the whole input's).
//
// The chunk's records are claimed in the ledger by this attempt (an owner
// named runID.chunk.random), which holds a lease on the chunk while it
// runs: a second attempt while it lives gets a *store.BusyError; one
// after its process died finds what it did: records done are skipped,
// and a create it left "sending" is reported unknown, never sent again.
// What any attempt of the run did counts as this run's, not as done
// before (Earlier).
func (im *Import) RunChunk(ctx context.Context, runID string, c ImportChunk, in io.Reader, results, errs io.Writer) (ImportSummary, error) {
	sum, err := im.runChunk(ctx, runID, c, in, results, errs)
	return sum, im.worded(err)
}

func (im *Import) runChunk(ctx context.Context, runID string, c ImportChunk, in io.Reader, results, errs io.Writer) (ImportSummary, error) {
	start := time.Now()
	var sum ImportSummary
	tpl, err := im.prepare()
	if err != nil {
		return sum, err
	}
	prior, err := priorOccurrences(c.Prior)
	if err != nil {
		return sum, err
	}
	attempt := chunkOwner(runID, c.Seq) + newID()[:8]
	o := store.Owner{Key: "import-chunk:" + runID + ":" + strconv.Itoa(c.Seq), RunID: attempt, ConnectionID: im.ConnectionID,
		What: fmt.Sprintf("chunk %d of queued run %s, %s", c.Seq+1, runID, im.what())}
	lease, err := im.Store.Acquire(ctx, o)
	if err != nil {
		return sum, err
	}
	defer lease.Release()
	f, err := os.CreateTemp("", "integrator-chunk-*.jsonl")
	if err != nil {
		return sum, err
	}
	defer os.Remove(f.Name())
	defer f.Close()
	if _, err := io.Copy(f, in); err != nil {
		return sum, fmt.Errorf("copying chunk %d of the input: %w", c.Seq+1, err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return sum, err
	}
	sum, err = im.pass(ctx, tpl, pass{in: f, results: results, errs: errs, runID: attempt, total: c.Records, line: c.Line, prior: prior,
		attempts: chunkOwner(runID, -1)})
	sum.Elapsed = time.Since(start)
	return sum, err
}

// chunkOwner is the start of the ledger owner of an attempt at chunk seq
// of a queued run; seq -1 gives what every attempt of the run starts with.
func chunkOwner(runID string, seq int) string {
	if seq < 0 {
		return runID + "."
	}
	return runID + "." + strconv.Itoa(seq) + "."
}
