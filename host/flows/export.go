package flows

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/openintegrator/integrator/host/store"
	"github.com/openintegrator/integrator/shared"
)

// Export pages through a list endpoint, as the connector says its lists
// page, to the last page, and writes the records as JSON Lines.
type Export struct {
	Deps
	ExportOptions

	pages       pageFetcher
	invalidUTF8 int64 // records with invalid UTF-8 handed to save in this run
	// between, when set, is asked after each page that has a next one
	// whether the run goes on (a queued run's job: see RunQueued).
	between func() pageTurn
}

// ExportOptions say what an export fetches and where it writes.
type ExportOptions struct {
	Path         string
	Params       []shared.Param
	RecordsField string // the response field holding the records ("": the one the connector names)
	Out          string // a file, or "-" for Stdout (which cannot be resumed)
	MaxRecords   int64  // stop after this many records; 0: all
	MaxPageBytes int64  // refuse a page whose body is longer; 0: DefaultMaxPageBytes
	Resume       bool   // continue an unfinished run of the same command
	Restart      bool   // forget an unfinished run of the same command
}

// ExportSummary says what an export did.
type ExportSummary struct {
	Out      string
	Records  int64
	Pages    int64
	Bytes    int64
	Resumed  bool // it continued an earlier run
	Restarts int  // plugin restarts
	Elapsed  time.Duration
	// InvalidUTF8 counts the records this run wrote whose strings hold
	// bytes that are not valid UTF-8: they are written as the API sent
	// them, byte for byte.
	InvalidUTF8 int64
}

// exportState is how far a run has got: what is durable in the output.
type exportState struct {
	runID   string
	cursor  *string
	offset  int64
	records int64
	pages   int64
	total   int64
	placed  bool      // the output is complete and in place already
	seen    cursorSet // the cursors followed before a resume
}

func (s exportState) complete() bool { return s.pages > 0 && s.cursor == nil }

// errInterrupted replaces the context's error when the user stopped a run.
var errInterrupted = errors.New("interrupted")

// ErrUnfinished is returned when an unfinished run of the same export
// exists and neither Resume nor Restart was asked for.
var ErrUnfinished = errors.New("an unfinished export to the same file exists")

// Run runs the export.
func (x *Export) Run(ctx context.Context) (ExportSummary, error) {
	sum, err := x.run(ctx)
	return sum, x.worded(err)
}

func (x *Export) run(ctx context.Context) (ExportSummary, error) {
	start := time.Now()
	x.quietIfNil()
	x.pages.init(x)
	x.invalidUTF8 = 0
	noteRestarts(x.Plugin, x.Progress)
	var sum ExportSummary
	err := x.resolvePaging(ctx)
	switch {
	case err != nil:
	case x.Out == "" || x.Out == "-":
		sum, err = x.toStdout(ctx)
	default:
		sum, err = x.toFile(ctx)
	}
	sum.Restarts = x.Plugin.Restarts()
	sum.Elapsed = time.Since(start)
	sum.InvalidUTF8 = x.invalidUTF8
	return sum, err
}

// key identifies the command: the same connection, request, limit and
// output file make the same key.
func (x *Export) key(out string) string {
	parts := []string{x.ConnectionID, x.Path, x.RecordsField, strconv.FormatInt(x.MaxRecords, 10), out}
	for _, p := range x.Params {
		parts = append(parts, p.Key+"="+p.Value)
	}
	return runKey("export", parts...)
}

func (x *Export) toFile(ctx context.Context) (ExportSummary, error) {
	out, err := filepath.Abs(x.Out)
	if err != nil {
		return ExportSummary{}, err
	}
	sum := ExportSummary{Out: out}
	key := x.key(out)
	lease, err := holdOutput(ctx, x.Store, out, store.Owner{RunID: newID(), ConnectionID: x.ConnectionID, What: x.what(out)})
	if err != nil {
		return sum, err
	}
	defer lease.Release()
	f, err := openPart(out)
	if err != nil {
		return sum, err
	}
	defer f.Close()
	st, resumed, err := x.begin(ctx, key, out, f)
	if err != nil {
		f.release()
		return sum, err
	}
	sum.Resumed = resumed
	if st.placed {
		f.abandon()
		sum.Records, sum.Pages, sum.Bytes = st.records, st.pages, st.offset
		return sum, x.Store.FinishExportRun(ctx, st.runID)
	}
	err = x.pagesTo(ctx, &st, func(b []byte, next *string, records int64, _ pageTurn) error {
		if _, err := f.Write(b); err != nil {
			return err
		}
		if err := f.Sync(); err != nil {
			return err
		}
		// st moves on only once the checkpoint holds: what is reported
		// as saved is what a resumed run finds. A stop asked for while a
		// page is being saved lets that save finish (it is local and
		// short): the page written is kept, not fetched again.
		offset, recs, pages := st.offset+int64(len(b)), st.records+records, st.pages+1
		var followed []byte
		if next != nil {
			k := cursorKey(*next)
			followed = k[:]
		}
		if err := x.Store.CheckpointExport(context.WithoutCancel(ctx), st.runID, next, offset, recs, pages, st.total, f.digest(), followed); err != nil {
			return fmt.Errorf("saving the checkpoint: %w", err)
		}
		st.offset, st.records, st.pages, st.cursor = offset, recs, pages, next
		return nil
	})
	sum.Records, sum.Pages, sum.Bytes = st.records, st.pages, st.offset
	if err != nil {
		if ctx.Err() != nil {
			err = errInterrupted
		}
		if st.pages == 0 {
			// Nothing was saved: nothing to resume, and no part file to
			// leave behind.
			f.abandon()
			if derr := x.Store.DeleteExportRun(context.WithoutCancel(ctx), key); derr != nil {
				return sum, errors.Join(err, derr)
			}
			return sum, err
		}
		return sum, &StoppedError{Err: err, Kept: fmt.Sprintf("%s in %s are saved; run the same command with ⟪resume⟫ to continue",
			plural64(st.records, "record"), plural64(st.pages, "page"))}
	}
	if err := f.commit(); err != nil {
		return sum, fmt.Errorf("putting %s in place: %w", out, err)
	}
	return sum, x.Store.FinishExportRun(ctx, st.runID)
}

// what describes the command, for messages of other commands.
func (x *Export) what(out string) string {
	s := "export of " + x.Path
	if len(x.Params) > 0 {
		var ps []string
		for _, p := range x.Params {
			ps = append(ps, p.Key+"="+p.Value)
		}
		s += " (" + strings.Join(ps, " ") + ")"
	}
	if x.ConnectionName != "" {
		s += fmt.Sprintf(" through connection %q", x.ConnectionName)
	}
	return s + " to " + out
}

// ErrNothingToResume is returned for --resume when there is no unfinished
// run of the command.
var ErrNothingToResume = errors.New("nothing to resume")

// begin finds or starts the run for key and brings the part file to its
// checkpoint. It changes nothing when it refuses.
func (x *Export) begin(ctx context.Context, key, out string, f *partFile) (exportState, bool, error) {
	run, err := x.Store.ExportRun(ctx, key)
	if err != nil && !errors.Is(err, store.ErrNoRun) {
		return exportState{}, false, err
	}
	owners, oerr := partOwners(ctx, x.Store, out, key)
	if oerr != nil {
		return exportState{}, false, oerr
	}
	if len(owners) > 0 && !x.Restart {
		return exportState{}, false, ownedError(out, owners, true)
	}
	unfinished := err == nil && !run.Done && run.Pages > 0
	switch {
	case unfinished && !x.Restart: // an earlier run saved something
		if !x.Resume {
			return exportState{}, false, fmt.Errorf("%w (%s): %s in %s were saved, last at %s; run the same command with ⟪resume⟫ to continue it, or with ⟪restart⟫ to start over",
				ErrUnfinished, out, plural64(run.Records, "record"), plural64(run.Pages, "page"), run.UpdatedAt.Format(time.DateTime))
		}
		info, err := f.Stat()
		if err != nil {
			return exportState{}, false, err
		}
		if info.Size() < run.Offset && run.Complete() && sameSize(out, run.Offset) {
			// The file was put in place just before the crash.
			return exportState{runID: run.ID, offset: run.Offset, records: run.Records, pages: run.Pages, placed: true}, true, nil
		}
		if err := f.resumeAt(run.Offset, run.Digest); err != nil {
			return exportState{}, false, err
		}
		followed, err := x.Store.ExportCursors(ctx, run.ID)
		if err != nil {
			return exportState{}, false, err
		}
		seen := cursorSet{}
		for _, h := range followed {
			if len(h) == 16 {
				seen[[16]byte(h)] = struct{}{}
			}
		}
		x.Progress.Note("Resuming the export to %s after %s in %s", out, plural64(run.Records, "record"), plural64(run.Pages, "page"))
		return exportState{runID: run.ID, cursor: run.Cursor, offset: run.Offset, records: run.Records, pages: run.Pages, total: run.Total, seen: seen}, true, nil
	case x.Resume && !x.Restart:
		if err == nil && run.Done {
			return exportState{}, false, fmt.Errorf("%w: the export to %s finished at %s; run it without ⟪resume⟫ to export again", ErrNothingToResume, out, run.UpdatedAt.Format(time.DateTime))
		}
		return exportState{}, false, fmt.Errorf("%w: no run of this export to %s saved anything (a run of another connection, path, parameters, ⟪records⟫ or ⟪max-records⟫ is another export); run it without ⟪resume⟫ to start", ErrNothingToResume, out)
	}
	if err := discard(ctx, x.Store, owners); err != nil {
		return exportState{}, false, err
	}
	id := newID()
	if err := x.Store.StartExportRun(ctx, store.ExportRun{ID: id, ConnectionID: x.ConnectionID, RunKey: key, OutPath: out, What: x.what(out)}); err != nil {
		return exportState{}, false, err
	}
	if err := f.cut(0); err != nil {
		return exportState{}, false, err
	}
	return exportState{runID: id, total: -1}, false, nil
}

// toStdout writes whole pages to Stdout; nothing is checkpointed, since
// what was written cannot be taken back.
func (x *Export) toStdout(ctx context.Context) (ExportSummary, error) {
	st := exportState{total: -1}
	err := x.pagesTo(ctx, &st, func(b []byte, next *string, records int64, _ pageTurn) error {
		if _, err := x.Stdout.Write(b); err != nil {
			return err
		}
		st.offset += int64(len(b))
		st.records += records
		st.pages++
		st.cursor = next
		return nil
	})
	return ExportSummary{Out: "-", Records: st.records, Pages: st.pages, Bytes: st.offset}, err
}

// pagesTo fetches pages from st's cursor on and hands each to save, until
// the last page or the record limit. save must advance st. A page is saved
// (synced and checkpointed) while the next one is fetched, but only ever
// after the previous save finished, so checkpoints stay in order.
//
// When x.between is set, it is asked, once a page with a next one is
// fetched, whether to go on: on handOff, that page is saved (told so) and
// pagesTo returns nil with st.cursor the next page's; on cancelled, it is
// saved and pagesTo returns errRunCancelled.
func (x *Export) pagesTo(ctx context.Context, st *exportState, save func(b []byte, next *string, records int64, turn pageTurn) error) error {
	defer x.Progress.Clear()
	start, startRecords := time.Now(), st.records
	measure(x.Progress, Measure{Task: "Exporting", Unit: "records", Done: st.records, Total: expected(st.total, x.MaxRecords), Base: startRecords})
	// What has been fetched, which runs ahead of st by the page in save.
	cursor, records, first := st.cursor, st.records, st.pages == 0
	if st.complete() || (x.MaxRecords > 0 && records >= x.MaxRecords) {
		return nil
	}
	seen := st.seen // every cursor followed, by this run and the runs it resumes
	if seen == nil {
		seen = cursorSet{}
	}
	if cursor != nil {
		seen.add(*cursor)
	}
	var bufs [2]bytes.Buffer
	var saving chan error // the save in flight, if any
	wait := func() error {
		if saving == nil {
			return nil
		}
		err := <-saving
		saving = nil
		return err
	}
	for i := 0; ; i++ {
		limit := int64(0)
		if x.MaxRecords > 0 {
			limit = x.MaxRecords - records
		}
		buf := &bufs[i%2]
		buf.Reset()
		pg, err := x.pages.fetch(ctx, cursor, first, limit, buf)
		if serr := wait(); serr != nil {
			return serr
		}
		if err != nil {
			return x.stoppedAt(err, st)
		}
		if pg.total >= 0 {
			st.total = pg.total
		}
		if i > 0 {
			measure(x.Progress, Measure{Task: "Exporting", Unit: "records", Done: st.records, Total: expected(st.total, x.MaxRecords), Base: startRecords})
			x.Progress.Update("%s", exportStatus(st, x.MaxRecords, st.records-startRecords, time.Since(start), x.pages.waited))
		}
		next := pg.next
		if pg.cut || (x.MaxRecords > 0 && records+pg.records >= x.MaxRecords) {
			next = nil
		}
		if next != nil && seen.has(*next) {
			return x.stoppedAt(cycleError(*next, st.pages+1), st)
		}
		x.noteInvalidUTF8(pg, records)
		turn := goOn
		if next != nil && x.between != nil {
			turn = x.between()
		}
		saving = make(chan error, 1)
		go func(b []byte, next *string, n int64) { saving <- save(b, next, n, turn) }(buf.Bytes(), next, pg.records)
		if next == nil || turn == handOff {
			return wait()
		}
		if turn == cancelled {
			if err := wait(); err != nil {
				return err
			}
			return errRunCancelled
		}
		seen.add(*next)
		cursor, records, first = next, records+pg.records, false
	}
}

// exportStatus is an export's progress line: pages and records, of the
// total it expects (the API's total, or the record limit when that is
// smaller), the rate and the time left to that total.
func exportStatus(st *exportState, maxRecords, done int64, elapsed, waited time.Duration) string {
	s := fmt.Sprintf("Exporting: %s, %s", plural64(st.pages, "page"), plural64(st.records, "record"))
	total := expected(st.total, maxRecords)
	if total > 0 {
		pct := float64(st.records) * 100 / float64(total)
		s += fmt.Sprintf(" of %s (%.0f%%)", count(total), pct)
	}
	s += rate(done, elapsed)
	if total > st.records {
		s += eta(done, done+total-st.records, elapsed)
	}
	if waited >= time.Second {
		s += fmt.Sprintf("; %s waiting on the API (rate limits, retries)", waited.Round(time.Second))
	}
	return s
}

func sameSize(path string, size int64) bool {
	info, err := os.Stat(path)
	return err == nil && info.Size() == size
}
