package flows

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/openintegrator/integrator/host/store"
	"github.com/openintegrator/integrator/shared"
)

// Import sends one request per input record (JSON Lines), or batches of
// records to a batch endpoint, and keeps a ledger of every record's
// outcome so that the same import run again skips what is done.
type Import struct {
	Deps

	Method       string // POST, PUT or DELETE
	PathTemplate string // accounts/{account_id}/campaigns/{id}: filled from each record
	In           string // the input file
	As           string // how the other fields go: AsQuery (default), AsForm or AsJSON
	BatchPath    string // a batch endpoint's path template; "" sends records one by one
	Batch        int    // records per batch request (default 40)
	Concurrency  int    // requests in flight (default 4)
	Results      string // the results file, or "-" (or "") for Stdout
	Errors       string // a file for the failed records' lines, or "" for none

	attempts  int     // sends of a record that failed on the way
	retry     backoff // between them
	rateWaits int     // waits for a rate limit per request
	lim       *limiter
}

// ImportSummary counts the outcomes of an import.
type ImportSummary struct {
	Records, OK, Failed, Unknown int64
	Earlier                      int64 // outcomes taken from an earlier run
	Resumed                      bool
	Restarts                     int
	Elapsed                      time.Duration
}

// unit is one request: a record, or a batch of them.
type unit struct {
	items     []*item
	req       shared.Request
	batchPath string // the filled batch path; "" for a single record
	resent    bool   // a batch sent again without the operations that failed
}

func (im *Import) defaults() error {
	switch im.Method {
	case http.MethodPost, http.MethodPut, http.MethodDelete:
	default:
		return fmt.Errorf("method %q: an import sends POST, PUT or DELETE", im.Method)
	}
	switch im.As {
	case "":
		im.As = AsQuery
	case AsQuery, AsForm, AsJSON:
	default:
		return fmt.Errorf("--as %q: use query, form or json", im.As)
	}
	if im.BatchPath != "" && im.As != AsQuery {
		return errors.New("a batch sends JSON operations; --as does not apply to it")
	}
	if im.Batch == 0 {
		im.Batch = 40
	}
	if im.Batch < 1 || im.Batch > 1000 {
		return fmt.Errorf("--batch %d: use 1 to 1000 (the X Ads API takes at most 40 campaigns or line items per batch)", im.Batch)
	}
	if im.Concurrency == 0 {
		im.Concurrency = 4
	}
	if im.Concurrency < 1 || im.Concurrency > 64 {
		return fmt.Errorf("--concurrency %d: use 1 to 64", im.Concurrency)
	}
	if im.attempts == 0 {
		im.attempts = 5
	}
	if im.retry.base == 0 {
		im.retry = backoff{base: 500 * time.Millisecond, limit: 10 * time.Second}
	}
	if im.rateWaits == 0 {
		im.rateWaits = 100
	}
	if im.lim == nil {
		im.lim = newLimiter()
	}
	im.lim.onWait = func(until time.Time, why string) {
		im.Progress.Note("%s: every request waits until %s (%s)", why, until.Format(time.TimeOnly), time.Until(until).Round(time.Second))
	}
	return nil
}

// Run runs the import. Records that failed or whose outcome is unknown
// are counted in the summary, not returned as an error.
func (im *Import) Run(ctx context.Context) (ImportSummary, error) {
	start := time.Now()
	var sum ImportSummary
	if err := im.defaults(); err != nil {
		return sum, err
	}
	path, err := parseTemplate(im.PathTemplate)
	if err != nil {
		return sum, err
	}
	var bpath *template
	if im.BatchPath != "" {
		t, err := parseTemplate(im.BatchPath)
		if err != nil {
			return sum, err
		}
		bpath = &t
	}
	noteRestarts(im.Plugin, im.Progress)
	hash, total, err := hashInput(im.In)
	if err != nil {
		return sum, err
	}
	key := runKey("import", im.ConnectionID, im.Method, im.PathTemplate, im.As, im.BatchPath, hash)
	run, resumed, err := im.Store.OpenImportRun(ctx, newID(), im.ConnectionID, key)
	if err != nil {
		return sum, err
	}
	prior, err := im.Store.ImportRecords(ctx, run.ID)
	if err != nil {
		return sum, err
	}
	sum.Resumed = resumed
	if resumed {
		im.Progress.Note("Continuing the import of %s: %s of its records have an outcome from an earlier run", im.In, count(int64(len(prior))))
	}
	in, err := os.Open(im.In)
	if err != nil {
		return sum, err
	}
	defer in.Close()
	outs, err := openOutputs(im.Results, im.Errors, im.Stdout)
	if err != nil {
		return sum, err
	}
	defer outs.abandon()

	w := newResultWriter(outs.results, outs.errs, (im.Concurrency+2)*im.Batch+64)
	w.onWrite = func() {
		ok, failed, unknown, _, n := w.tally()
		im.Progress.Update("Importing: %s of %s records: %s ok, %s failed, %s unknown", count(n), count(total), count(ok), count(failed), count(unknown))
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	lg := newLedger(im.Store, run.ID)
	work := make(chan *unit)
	var wg sync.WaitGroup
	for range im.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for u := range work {
				if ctx.Err() != nil {
					continue
				}
				if err := im.send(ctx, lg, u, w); err != nil {
					cancel(err)
				}
			}
		}()
	}
	perr := im.produce(ctx, in, lg, prior, path, bpath, w, work)
	close(work)
	wg.Wait()
	im.Progress.Clear()
	werr := w.flush()
	sum.OK, sum.Failed, sum.Unknown, sum.Earlier, sum.Records = w.tally()
	sum.Restarts, sum.Elapsed = im.Plugin.Restarts(), time.Since(start)
	if ctx.Err() != nil {
		cause := context.Cause(ctx)
		if errors.Is(cause, context.Canceled) {
			cause = errInterrupted
		}
		return sum, &StoppedError{Err: cause, Kept: "every outcome so far is in the ledger: run the same command again to continue"}
	}
	if err := errors.Join(perr, werr); err != nil {
		return sum, err
	}
	return sum, outs.commit()
}

// produce reads the input and hands out the records to send.
func (im *Import) produce(ctx context.Context, in io.Reader, lg *ledger, prior map[int64]store.ImportRecord,
	path template, bpath *template, w *resultWriter, work chan<- *unit) error {
	put := func(u *unit) error {
		select {
		case work <- u:
			return nil
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	}
	local := func(it *item, state, code, msg string, earlier bool) error {
		rec := store.ImportRecord{Line: it.line, State: state, Code: code, Message: msg}
		if err := lg.write([]store.ImportRecord{rec}); err != nil {
			return err
		}
		it.res = resultOf(rec, earlier)
		w.done(it)
		return nil
	}
	var batch []*item
	var batchPath string
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		u := &unit{items: batch, batchPath: batchPath, req: batchRequest(batchPath, operationType(im.Method), fieldsOf(batch))}
		batch = nil
		return put(u)
	}
	r := bufio.NewReaderSize(in, 64<<10)
	var seq, lineNo int64
	for {
		line, rerr := r.ReadBytes('\n')
		if rerr != nil && rerr != io.EOF {
			return rerr
		}
		if len(line) > 0 {
			lineNo++
			raw := bytes.TrimRight(line, "\r\n")
			if len(bytes.TrimSpace(raw)) == 0 {
				continue
			}
			it := &item{seq: seq, line: lineNo, raw: raw}
			seq++
			if err := w.reserve(ctx); err != nil {
				return context.Cause(ctx)
			}
			if p, ok := prior[lineNo]; ok && p.State != store.ImportFailed {
				idempotent := im.Method != http.MethodPost
				switch {
				case p.State == store.ImportOK || (p.State == store.ImportUnknown && !idempotent):
					it.res = resultOf(p, true)
					w.done(it)
					continue
				case p.State == store.ImportSending && !idempotent:
					if err := local(it, store.ImportUnknown, CodeOutcomeUnknown,
						"an earlier run stopped while sending it, so the API may have applied it; check before sending it again", true); err != nil {
						return err
					}
					continue
				}
			}
			fields, err := parseRecord(raw)
			if err != nil {
				if err := local(it, store.ImportFailed, CodeInvalidRecord, err.Error(), false); err != nil {
					return err
				}
				continue
			}
			if bpath == nil {
				req, err := recordRequest(im.Method, path, im.As, fields)
				if err != nil {
					if err := local(it, store.ImportFailed, CodeInvalidRecord, err.Error(), false); err != nil {
						return err
					}
					continue
				}
				if err := put(&unit{items: []*item{it}, req: req}); err != nil {
					return err
				}
				continue
			}
			// A batch: the record must still name the fields of the
			// per-record path; those of the batch path leave its params.
			_, _, perr := path.fill(fields)
			bp, rest, err := bpath.fill(fields)
			if err = errors.Join(perr, err); err != nil {
				if err := local(it, store.ImportFailed, CodeInvalidRecord, err.Error(), false); err != nil {
					return err
				}
				continue
			}
			if len(batch) > 0 && (bp != batchPath || len(batch) >= im.Batch) {
				if err := flush(); err != nil {
					return err
				}
			}
			it.fields = rest
			batch, batchPath = append(batch, it), bp
		}
		if rerr == io.EOF {
			return flush()
		}
	}
}

func fieldsOf(items []*item) [][]field {
	out := make([][]field, len(items))
	for i, it := range items {
		out[i] = it.fields
	}
	return out
}
