package flows

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"sync"

	"github.com/openintegrator/integrator/host/store"
	"github.com/openintegrator/integrator/shared"
)

// item is one input record on its way through an import.
type item struct {
	seq    int64     // position among the records, from 0
	line   int64     // line number in the input, from 1
	raw    []byte    // the line as read, without its newline
	src    io.Reader // a line too long to hold: where to copy it from
	key    store.RecordKey
	fields []field        // a batch operation's params
	req    shared.Request // a single record's request
	res    Result
}

// Result is the result line of one record.
type Result struct {
	Line    int64  `json:"line"`
	Result  string `json:"result"` // ok, failed or unknown
	Status  int    `json:"status"`
	ID      string `json:"id,omitempty"`
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
	Earlier bool   `json:"earlier,omitempty"` // the record was done before: not sent, its outcome is from then
}

func resultOf(line int64, r store.ImportRecord, earlier bool) Result {
	return Result{Line: line, Result: r.State, Status: r.Status, ID: r.CreatedID, Code: r.Code, Message: r.Message, Earlier: earlier}
}

// resultWriter writes result lines in input order, however the workers
// finish, and the failed records' original lines to the error file. It
// bounds how far ahead of the writing the reading may get.
type resultWriter struct {
	slots chan struct{}

	mu      sync.Mutex
	next    int64
	pending map[int64]*item
	results *bufio.Writer
	errs    *bufio.Writer // nil: no error file
	err     error
	counts  map[string]int64 // by result, of records sent (or refused) in this run
	earlier map[string]int64 // by result, of records done before and skipped
	onWrite func()
	words   func(string) string // words the option names in messages
}

func newResultWriter(results, errs io.Writer, window int) *resultWriter {
	w := &resultWriter{slots: make(chan struct{}, window), pending: map[int64]*item{},
		results: bufio.NewWriter(results), counts: map[string]int64{}, earlier: map[string]int64{}}
	if errs != nil {
		w.errs = bufio.NewWriter(errs)
	}
	return w
}

// reserve takes a place for the next item; it waits while the window is full.
func (w *resultWriter) reserve(ctx context.Context) error {
	select {
	case w.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// done hands over an item with its result.
func (w *resultWriter) done(it *item) {
	w.mu.Lock()
	w.pending[it.seq] = it
	for {
		x, ok := w.pending[w.next]
		if !ok {
			break
		}
		delete(w.pending, w.next)
		w.next++
		w.write(x)
		<-w.slots
	}
	w.mu.Unlock()
	if w.onWrite != nil {
		w.onWrite()
	}
}

func (w *resultWriter) write(it *item) {
	if it.res.Earlier {
		w.earlier[it.res.Result]++
	} else {
		w.counts[it.res.Result]++
	}
	if w.words != nil {
		it.res.Message = w.words(it.res.Message)
	}
	b, _ := json.Marshal(it.res)
	b = append(b, '\n')
	if _, err := w.results.Write(b); err != nil && w.err == nil {
		w.err = err
	}
	if w.errs != nil && it.res.Result != store.ImportOK {
		if it.src != nil {
			if _, err := io.Copy(w.errs, it.src); err != nil && w.err == nil {
				w.err = err
			}
		} else {
			w.errs.Write(it.raw)
		}
		if err := w.errs.WriteByte('\n'); err != nil && w.err == nil {
			w.err = err
		}
	}
}

func (w *resultWriter) flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.results.Flush(); err != nil && w.err == nil {
		w.err = err
	}
	if w.errs != nil {
		if err := w.errs.Flush(); err != nil && w.err == nil {
			w.err = err
		}
	}
	return w.err
}

// tally returns the counts so far.
func (w *resultWriter) tally() ImportSummary {
	w.mu.Lock()
	defer w.mu.Unlock()
	return ImportSummary{Records: w.next, OK: w.counts[store.ImportOK], Failed: w.counts[store.ImportFailed], Unknown: w.counts[store.ImportUnknown],
		Earlier: w.earlier[store.ImportOK] + w.earlier[store.ImportUnknown], EarlierUnknown: w.earlier[store.ImportUnknown]}
}
