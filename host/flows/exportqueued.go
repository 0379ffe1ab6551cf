package flows

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/openintegrator/integrator/host/store"
)

// pageTurn is what an export does once a page with a next one is fetched.
type pageTurn int

const (
	goOn      pageTurn = iota // fetch the next page
	handOff                   // save this page with the continuation, then end
	cancelled                 // save this page, then end: the run was cancelled
)

// errRunCancelled ends a queued run's job whose run was cancelled.
var errRunCancelled = errors.New("the run was cancelled")

// QueuedExport is one job of a queued export run: it fetches pages from
// where the run's checkpoint is, storing each as the run's output
// artifact (seq = its page number, from 0) in the transaction of its
// checkpoint, until the last page or until its time budget is spent;
// then the page it stores last carries, in the same transaction, the job
// that continues the run (Continue). So a page is stored exactly once,
// and the run always has exactly one job to go on with.
type QueuedExport struct {
	RunID string
	// Page is the job's page: how many pages the run's checkpoint held
	// when the job was queued.
	Page int64
	// Until is the end of the job's time budget: no page is fetched after
	// it (the page fetched when it passes is the job's last).
	Until time.Time
	// HandBack reports whether to end at the next page as when the budget
	// is spent (the worker is stopping). nil: never.
	HandBack func() bool
	// Cancelled reports whether the run was cancelled: the job ends at
	// the next page, queueing nothing. nil: never.
	Cancelled func() bool
	// Continue queues the job that continues the run from page pages, in
	// tx (the transaction of the last page's checkpoint). It may run more
	// than once, so it must do nothing outside tx.
	Continue func(ctx context.Context, tx *sql.Tx, pages int64) error
}

// QueuedEnd is how a queued export's job ended.
type QueuedEnd int

const (
	// QueuedDone: the run's last page is stored; the run is complete.
	QueuedDone QueuedEnd = iota
	// QueuedHandedOff: the budget was spent (or the worker is stopping);
	// the continuation is queued.
	QueuedHandedOff
	// QueuedSkipped: the run's checkpoint was past the job's page (a job
	// run again after its worker died, or a duplicate): the job made sure
	// the continuation from the checkpoint is queued, and did nothing else.
	QueuedSkipped
	// QueuedCancelled: the run was cancelled; nothing more is queued.
	QueuedCancelled
)

// QueuedSummary is what a queued export's job did, and where the run is.
type QueuedSummary struct {
	End     QueuedEnd
	Records int64 // the run's, so far
	Pages   int64 // the run's, so far
	Bytes   int64 // the run's, so far
	Total   int64 // the API's total count, -1 when unknown
	// JobPages and JobRecords are what this job stored.
	JobPages, JobRecords int64
	InvalidUTF8          int64
	Restarts             int
}

// RunQueued runs the job q of a queued export run. x.Out is not used.
func (x *Export) RunQueued(ctx context.Context, q QueuedExport) (QueuedSummary, error) {
	sum, err := x.runQueued(ctx, q)
	return sum, x.worded(err)
}

func (x *Export) runQueued(ctx context.Context, q QueuedExport) (QueuedSummary, error) {
	x.quietIfNil()
	x.pages.init(x)
	x.invalidUTF8 = 0
	sum := QueuedSummary{Total: -1}
	run, err := x.Store.StartQueuedExport(ctx, store.ExportRun{ID: q.RunID, ConnectionID: x.ConnectionID, What: x.what("the store")})
	if err != nil {
		return sum, err
	}
	sum.Records, sum.Pages, sum.Bytes, sum.Total = run.Records, run.Pages, run.Offset, run.Total
	switch {
	case run.Complete():
		sum.End = QueuedDone
		return sum, nil
	case run.Pages > q.Page:
		// The run moved on since this job was queued: this is a job run
		// again after its worker died (having stored pages past its own),
		// or a duplicate. The continuation from the checkpoint is queued
		// (unique by run and page: nothing new if it is there already).
		sum.End = QueuedSkipped
		return sum, x.Store.AddArtifacts(ctx, nil, func(tx *sql.Tx) error { return q.Continue(ctx, tx, run.Pages) })
	case run.Pages < q.Page:
		return sum, fmt.Errorf("export run %s: the checkpoint holds %d pages, before the job's page %d", q.RunID, run.Pages, q.Page+1)
	}
	if err := x.resolvePaging(ctx); err != nil {
		return sum, err
	}
	followed, err := x.Store.ExportCursors(ctx, run.ID)
	if err != nil {
		return sum, err
	}
	seen := cursorSet{}
	for _, h := range followed {
		if len(h) == 16 {
			seen[[16]byte(h)] = struct{}{}
		}
	}
	st := exportState{runID: run.ID, cursor: run.Cursor, offset: run.Offset, records: run.Records, pages: run.Pages, total: run.Total, seen: seen}
	x.between = func() pageTurn {
		switch {
		case q.Cancelled != nil && q.Cancelled():
			return cancelled
		case !time.Now().Before(q.Until), q.HandBack != nil && q.HandBack():
			return handOff
		}
		return goOn
	}
	stale := false
	err = x.pagesTo(ctx, &st, func(b []byte, next *string, records int64, turn pageTurn) error {
		offset, recs, pages := st.offset+int64(len(b)), st.records+records, st.pages+1
		var followed []byte
		if next != nil {
			k := cursorKey(*next)
			followed = k[:]
		}
		var also func(*sql.Tx) error
		if turn == handOff {
			also = func(tx *sql.Tx) error { return q.Continue(ctx, tx, pages) }
		}
		page := store.Artifact{RunID: q.RunID, Name: store.ArtifactOutput, Seq: pages - 1, Data: b, Records: records}
		err := x.Store.CheckpointExportPage(context.WithoutCancel(ctx), st.runID, next, offset, recs, pages, st.total, followed, page, also)
		if errors.Is(err, store.ErrStaleCheckpoint) {
			// Another job stored this page: it runs the run now.
			stale = true
			return err
		}
		if err != nil {
			return fmt.Errorf("saving the page and its checkpoint: %w", err)
		}
		st.offset, st.records, st.pages, st.cursor = offset, recs, pages, next
		sum.JobPages++
		sum.JobRecords += records
		return nil
	})
	sum.Records, sum.Pages, sum.Bytes, sum.Total = st.records, st.pages, st.offset, st.total
	sum.InvalidUTF8 = x.invalidUTF8
	sum.Restarts = x.Plugin.Restarts()
	switch {
	case stale:
		sum.End = QueuedSkipped
		return sum, nil
	case errors.Is(err, errRunCancelled):
		sum.End = QueuedCancelled
		return sum, nil
	case err != nil:
		return sum, err
	case st.cursor != nil:
		sum.End = QueuedHandedOff
	default:
		sum.End = QueuedDone
	}
	return sum, nil
}
