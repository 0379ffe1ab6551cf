package queue

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/openintegrator/integrator/host/store"
)

// Many runs storing pages at once, each page with its checkpoint and its
// continuation job in one serializable transaction, all commit: a write
// that loses a conflict runs again until it wins, and does not fail the
// run (the benchmark's 4 workers saw "could not serialize access" fail a
// run when the attempts followed each other without a pause).
func TestPagesOfManyRunsAtOnceAllCommit(t *testing.T) {
	ctx := context.Background()
	st := openPG(t)
	q, err := Open(ctx, st, Options{})
	if err != nil {
		t.Fatal(err)
	}
	const runs, pages = 8, 25
	body := bytes.Repeat([]byte(`{"id":"x","name":"a campaign"}`+"\n"), 3000) // ~100 KB, as a page of 200
	if err := st.Create(ctx, store.Connection{ID: "c", Name: "c", Type: "demo"}); err != nil {
		t.Fatal(err)
	}
	for r := range runs {
		id := "run" + strconv.Itoa(r)
		if _, err := st.StartQueuedExport(ctx, store.ExportRun{ID: id, ConnectionID: "c", What: "campaigns"}); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, runs)
	start := make(chan struct{})
	for r := range runs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			id := "run" + strconv.Itoa(r)
			for p := int64(1); p <= pages; p++ {
				cursor := "c" + strconv.FormatInt(p, 10)
				err := st.CheckpointExportPage(ctx, id, &cursor, p*int64(len(body)), p*200, p, -1, nil,
					store.Artifact{RunID: id, Name: "output", Seq: p, Data: body, Records: 200},
					func(tx *sql.Tx) error {
						_, err := q.Insert(ctx, tx, ExportArgs{RunID: id, Page: p + 1})
						return err
					})
				if err != nil {
					errs <- fmt.Errorf("run %s page %d: %w", id, p, err)
					return
				}
			}
		}()
	}
	t0 := time.Now()
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	t.Logf("%d runs x %d pages in %v", runs, pages, time.Since(t0))
	for r := range runs {
		jobs, err := q.RunJobs(ctx, "run"+strconv.Itoa(r))
		if err != nil || len(jobs) != pages {
			t.Errorf("run %d: %d jobs, %v; want %d", r, len(jobs), err, pages)
		}
	}
}
