package flows

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/openintegrator/integrator/host/store"
	"github.com/openintegrator/integrator/shared"
)

// Import sends one request per input record (JSON Lines), or batches of
// records to a batch endpoint, and keeps a ledger of every record's
// outcome, so that a record is not sent again once it is done, whichever
// input file holds it.
type Import struct {
	Deps
	ImportOptions

	attempts  int     // sends of a record that failed on the way
	retry     backoff // between them
	rateWaits int     // waits for a rate limit per request
	lim       *limiter
	shared    *sharedLimits // nil: the run does not share rate limits
	heldPoll  time.Duration // how often a record another run holds is looked at again
	inflight  atomic.Int32
}

// ImportOptions say what an import reads, how it sends it and where it
// writes the outcomes.
type ImportOptions struct {
	Method         string // POST, PUT or DELETE
	PathTemplate   string // accounts/{account_id}/campaigns/{id}: filled from each record
	In             string // the input file
	As             string // how the other fields go: AsQuery (default), AsForm or AsJSON
	BatchPath      string // a batch endpoint's path template; "" sends records one by one
	Batch          int    // records per batch request (default 40)
	Concurrency    int    // requests in flight (default 4)
	Results        string // the results file, or "-" (or "") for Stdout
	Errors         string // a file for the failed records' lines, or "" for none
	Again          bool   // send records that are done too
	Wait           bool   // wait for another run of the same import instead of refusing
	MaxRecordBytes int    // a longer input line fails without being read into memory (default DefaultMaxRecordBytes)
	// StopGrace bounds how long a stopped import waits for the requests
	// in flight, so that their outcome is known (default 30 s).
	StopGrace time.Duration
}

// DefaultMaxRecordBytes is the default limit on an input line.
const DefaultMaxRecordBytes = 1 << 20

// ImportSummary counts the outcomes of an import. OK, Failed and Unknown
// count the records this run sent or refused; Earlier the records done
// before (ok, or unknown: EarlierUnknown), which it skipped.
type ImportSummary struct {
	Records, OK, Failed, Unknown int64
	Earlier, EarlierUnknown      int64
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
	im.quietIfNil()
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
		return fmt.Errorf("⟪as⟫ %q: use query, form or json", im.As)
	}
	if im.BatchPath != "" && im.As != AsQuery {
		return errors.New("a batch sends JSON operations; ⟪as⟫ does not apply to it")
	}
	if im.Batch == 0 {
		im.Batch = 40
	}
	if im.Batch < 1 || im.Batch > 1000 {
		return fmt.Errorf("⟪batch⟫ %d: use 1 to 1000 (the API may take fewer: the X Ads API takes 40 campaigns or line items)", im.Batch)
	}
	if im.Concurrency == 0 {
		im.Concurrency = 4
	}
	if im.Concurrency < 1 || im.Concurrency > 64 {
		return fmt.Errorf("⟪concurrency⟫ %d: use 1 to 64", im.Concurrency)
	}
	if im.MaxRecordBytes == 0 {
		im.MaxRecordBytes = DefaultMaxRecordBytes
	}
	if im.MaxRecordBytes < 1 || im.MaxRecordBytes > shared.MaxRequestBody {
		return fmt.Errorf("⟪max-record-size⟫ %s: use 1 byte to %s (the largest request body)", approxSize(int64(im.MaxRecordBytes)), approxSize(shared.MaxRequestBody))
	}
	if im.StopGrace == 0 {
		im.StopGrace = 30 * time.Second
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
	if im.heldPoll == 0 {
		im.heldPoll = 500 * time.Millisecond
	}
	if im.lim == nil {
		im.lim = newLimiter()
	}
	im.shared = newSharedLimits(&im.Deps)
	im.lim.onWait = func(until time.Time, why string) {
		im.Progress.Note("%s: every request waits until %s (%s)", why, until.Format(time.TimeOnly), time.Until(until).Round(time.Second))
	}
	return nil
}

// Run runs the import. Records that failed or whose outcome is unknown
// are counted in the summary, not returned as an error.
//
// When ctx ends (the user pressed Ctrl-C), no new record is sent, and the
// requests in flight are waited for, up to StopGrace, so that their
// outcome is known and recorded.
func (im *Import) Run(ctx context.Context) (ImportSummary, error) {
	sum, err := im.run(ctx)
	return sum, im.worded(err)
}

func (im *Import) run(ctx context.Context) (ImportSummary, error) {
	start := time.Now()
	var sum ImportSummary
	tpl, err := im.prepare()
	if err != nil {
		return sum, err
	}
	hash, total, err := hashInput(im.In)
	if err != nil {
		return sum, err
	}
	runID := newID()
	lease, err := im.lease(ctx, im.scope(), hash, runID)
	if err != nil {
		return sum, err
	}
	defer lease.Release()
	in, err := os.Open(im.In)
	if err != nil {
		return sum, err
	}
	defer in.Close()
	outs, err := openOutputs(ctx, im.Store, store.Owner{RunID: runID, ConnectionID: im.ConnectionID, What: im.what()}, im.Results, im.Errors, im.Stdout)
	if err != nil {
		return sum, err
	}
	defer outs.abandon()
	sum, err = im.pass(ctx, tpl, pass{in: in, results: outs.results, errs: outs.errs, runID: runID, total: total})
	sum.Elapsed = time.Since(start)
	if err != nil {
		return sum, err
	}
	return sum, outs.commit()
}

// templates are an import's parsed path templates.
type templates struct {
	path  template
	batch *template // nil: records go one by one
}

// prepare completes the options and parses the templates.
func (im *Import) prepare() (templates, error) {
	var tpl templates
	if err := im.defaults(); err != nil {
		return tpl, err
	}
	path, err := parseTemplate(im.PathTemplate)
	if err != nil {
		return tpl, err
	}
	tpl.path = path
	if im.BatchPath != "" {
		t, err := parseTemplate(im.BatchPath)
		if err != nil {
			return tpl, err
		}
		tpl.batch = &t
	}
	noteRestarts(im.Plugin, im.Progress)
	return tpl, nil
}

// scope names the import's ledger: what is sent, how and where.
func (im *Import) scope() string {
	return runKey("import", im.ConnectionID, im.Method, im.PathTemplate, im.BatchPath, im.As)
}

// pass is one pass of an import over input lines: the whole input of a
// run in one process, or one chunk of a queued run's input.
type pass struct {
	in            *os.File  // the lines
	results, errs io.Writer // errs may be nil
	runID         string    // the run that claims the records in the ledger
	total         int64     // the records in
	line          int64     // the input's lines before in (0: in is the whole input)
	prior         occurrences
	// attempts starts the ledger owner of every attempt of a queued run
	// (see store.ClaimPolicy.Attempts); "" for a run in one process.
	attempts string
}

// pass sends the records of p.in and writes their results, in order.
// Records that failed or whose outcome is unknown are counted in the
// summary, not returned as an error.
func (im *Import) pass(ctx context.Context, tpl templates, p pass) (ImportSummary, error) {
	var sum ImportSummary
	w := newResultWriter(p.results, p.errs, (im.Concurrency+2)*im.Batch+64)
	w.words = im.words
	total := p.total
	w.onWrite = func() {
		t := w.tally()
		s := fmt.Sprintf("Importing: %s of %s: %s ok, %s failed, %s unknown", count(t.Records), plural64(total, "record"), count(t.OK), count(t.Failed), count(t.Unknown))
		note := fmt.Sprintf("%s ok, %s failed, %s unknown", count(t.OK), count(t.Failed), count(t.Unknown))
		if t.Earlier > 0 {
			s += fmt.Sprintf(", %s done before (skipped)", count(t.Earlier))
			note += fmt.Sprintf(", %s done before", count(t.Earlier))
		}
		measure(im.Progress, Measure{Task: "Importing", Unit: "records", Done: t.Records, Total: total, Note: note})
		im.Progress.Update("%s", s)
	}
	// stop ends the sending of new records: the user's Ctrl-C, or a
	// failure of the run. Requests in flight go on with their own
	// context, which ends StopGrace later, or at once when nothing is out.
	stop, halt := context.WithCancelCause(ctx)
	defer halt(nil)
	reqs, abort := context.WithCancelCause(context.WithoutCancel(ctx))
	defer abort(nil)
	lg := newLedger(im.Store, store.Ledger{ConnectionID: im.ConnectionID, Scope: im.scope()},
		store.ClaimPolicy{RunID: p.runID, Again: im.Again, ResendInFlight: im.Method != http.MethodPost, Attempts: p.attempts})
	measure(im.Progress, Measure{Task: "Importing", Unit: "records", Total: total})
	work := make(chan *unit)
	var wg sync.WaitGroup
	for range im.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for u := range work {
				if stop.Err() != nil {
					continue
				}
				if err := im.send(stop, reqs, lg, u, w); err != nil {
					halt(err)
				}
			}
		}()
	}
	graceDone := make(chan struct{})
	go im.grace(stop, abort, graceDone)
	perr := im.produce(stop, p, lg, tpl, w, work)
	close(work)
	wg.Wait()
	close(graceDone)
	im.Progress.Clear()
	werr := w.flush()
	sum = w.tally()
	sum.Restarts = im.Plugin.Restarts()
	if stop.Err() != nil {
		cause := context.Cause(stop)
		if errors.Is(cause, context.Canceled) {
			cause = errInterrupted
		}
		again := "run the same command again to continue"
		if p.attempts != "" {
			again = "the chunk goes on from there when the queue runs it again"
		}
		kept := "every outcome so far is in the ledger: " + again
		if n := lg.lostOutcomes(); n > 0 {
			kept = fmt.Sprintf("the ledger could not record the outcome of %s; a later run does not send again a create it last saw being sent (it reports it as unknown), and sends the others again; every other outcome is in the ledger: %s",
				plural(int(n), "record"), again)
		}
		return sum, &StoppedError{Err: cause, Kept: kept}
	}
	return sum, errors.Join(perr, werr)
}

// lease takes the import of this input for the run, so that two runs of
// the same import never run at once; with Wait it waits for the other.
func (im *Import) lease(ctx context.Context, scope, hash, runID string) (*store.Lease, error) {
	o := store.Owner{Key: "import:" + scope + ":" + hash, RunID: runID, ConnectionID: im.ConnectionID, What: im.what()}
	noted := false
	for {
		l, err := im.Store.Acquire(ctx, o)
		var busy *store.BusyError
		if !errors.As(err, &busy) {
			return l, err
		}
		if !im.Wait {
			return nil, fmt.Errorf("another run of this import is in progress (%s): %w; wait for it to end, or run this with ⟪wait⟫ to wait for it",
				im.In, busy)
		}
		if !noted {
			im.Progress.Alert("Waiting for another run of this import to end: %v", busy)
			noted = true
		}
		if err := shared.Sleep(ctx, im.heldPoll); err != nil {
			return nil, err
		}
	}
}

// what describes the command, for messages of other commands.
func (im *Import) what() string {
	s := fmt.Sprintf("import of %s (%s %s)", im.In, im.Method, im.PathTemplate)
	if im.ConnectionName != "" {
		s += fmt.Sprintf(" through connection %q", im.ConnectionName)
	}
	return s
}

// grace waits for the run to be stopped, then lets the requests in flight
// finish, up to StopGrace.
func (im *Import) grace(stop context.Context, abort context.CancelCauseFunc, done <-chan struct{}) {
	select {
	case <-done:
		return
	case <-stop.Done():
	}
	if n := im.inflight.Load(); n > 0 {
		im.Progress.Clear()
		im.Progress.Alert("Stopping: no new record is sent; waiting up to %s for the %s in flight, so that their outcome is known (Ctrl-C again stops at once)",
			im.StopGrace, plural(int(n), "request"))
	}
	t := time.NewTimer(im.StopGrace)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		abort(fmt.Errorf("requests still in flight %s after the import was stopped", im.StopGrace))
	}
}

// produce reads the input and hands out the records to send.
func (im *Import) produce(ctx context.Context, p pass, lg *ledger, tpl templates, w *resultWriter, work chan<- *unit) error {
	in, path, bpath := p.in, tpl.path, tpl.batch
	put := func(u *unit) error {
		select {
		case work <- u:
			return nil
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	}
	failed := func(it *item, code, msg string) {
		it.res = Result{Line: it.line, Result: store.ImportFailed, Code: code, Message: msg}
		w.done(it)
	}
	var batch []*item
	var batchPath string
	var batchBytes int
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		u := &unit{items: batch, batchPath: batchPath}
		u.req = batchRequest(batchPath, operationType(im.Method), fieldsOf(batch))
		batch, batchBytes = nil, 0
		return put(u)
	}
	lr := newLineReader(in, im.MaxRecordBytes)
	occ := p.prior
	if occ == nil {
		occ = occurrences{}
	}
	var seq int64
	lineNo := p.line
	for {
		ln, err := lr.next()
		if err == io.EOF {
			return flush()
		}
		if err != nil {
			return err
		}
		lineNo++
		if !ln.long && isBlank(ln.text) {
			continue
		}
		it := &item{seq: seq, line: lineNo, raw: bytes.Clone(ln.text)}
		seq++
		if err := w.reserve(ctx); err != nil {
			return context.Cause(ctx)
		}
		if ln.long {
			it.src = io.NewSectionReader(in, ln.offset, ln.size)
			failed(it, CodeTooLarge, fmt.Sprintf("the record is %s, more than the %s a record may be (⟪max-record-size⟫); it was not read or sent",
				approxSize(ln.size), approxSize(int64(im.MaxRecordBytes))))
			continue
		}
		fields, canon, err := readRecord(it.raw)
		if err != nil {
			failed(it, CodeInvalidRecord, err.Error())
			continue
		}
		it.key = occ.key(canon)
		if prior, ok, err := im.Store.ImportOutcome(ctx, lg.id, it.key); err != nil {
			return err
		} else if ok && (!im.Again || lg.ours(prior.Owner)) && (prior.State == store.ImportOK || prior.State == store.ImportUnknown) {
			it.res = resultOf(it.line, prior, !lg.ours(prior.Owner))
			w.done(it)
			continue
		}
		if bpath == nil {
			req, err := recordRequest(im.Method, path, im.As, fields)
			if err == nil {
				err = checkRequestSize(req)
			}
			if err != nil {
				failed(it, codeOf(err), err.Error())
				continue
			}
			it.req = req
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
			failed(it, CodeInvalidRecord, err.Error())
			continue
		}
		it.fields = rest
		n := opSize(rest)
		if n > shared.MaxRequestBody-64 {
			failed(it, CodeTooLarge, fmt.Sprintf("its batch operation would be %s, more than the %s a request body may be; it was not sent", approxSize(int64(n)), approxSize(shared.MaxRequestBody)))
			continue
		}
		if len(batch) > 0 && (bp != batchPath || len(batch) >= im.Batch || batchBytes+n > shared.MaxRequestBody-64) {
			if err := flush(); err != nil {
				return err
			}
		}
		batch, batchPath, batchBytes = append(batch, it), bp, batchBytes+n+1
	}
}

// readRecord checks and parses one input line: its fields in order, and
// its canonical JSON.
func readRecord(raw []byte) ([]field, []byte, error) {
	if err := checkText(raw); err != nil {
		return nil, nil, err
	}
	fields, err := parseRecord(raw)
	if err != nil {
		return nil, nil, err
	}
	canon, err := canonical(raw)
	if err != nil {
		return nil, nil, err
	}
	return fields, canon, nil
}

func isBlank(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			return false
		}
	}
	return true
}

func fieldsOf(items []*item) [][]field {
	out := make([][]field, len(items))
	for i, it := range items {
		out[i] = it.fields
	}
	return out
}
