package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"database/sql"

	"github.com/openintegrator/integrator/host/flows"
	"github.com/openintegrator/integrator/host/store"
	"github.com/openintegrator/integrator/host/store/queue"
)

// A queued import is a run of the history whose input is in the store
// (the artifact "input", uploaded by the command that queues it), a
// planner job that cuts the input into chunks (their plan is the
// artifact "plan") and queues a job per chunk, unique by (run, chunk), in
// one transaction, and the chunk jobs, each importing its chunk through
// the same ledger as an import in one process and storing its results
// and errors (artifacts "results" and "errors", seq = chunk) and tally.
// The chunk job that stores the last tally ends the run, in the same
// transaction.

// queuedImport is a queued import's options, as its run holds them (no
// secret: templates and settings of the import).
type queuedImport struct {
	queuedMark
	Import ImportOptions `json:"import"` // In names the uploaded file, for people; Results and Errors are ""
	Chunk  int           `json:"chunk"`  // records per chunk
	Bytes  int64         `json:"bytes"`  // the input's size
}

// QueueImport queues an import through the connection fl.Connection for
// the workers: it checks the options, uploads o.In to the store in
// pieces (streamed: one piece in memory), then records the run and its
// planner job in one transaction. chunk is how many records a chunk job
// imports (0: flows.DefaultChunkRecords). o.Results and o.Errors must be
// "": a queued import's results and errors are in the store.
func (a *App) QueueImport(ctx context.Context, fl Flow, o ImportOptions, chunk int) (QueuedRun, error) {
	o.Method = strings.ToUpper(o.Method)
	var problems []error
	if err := flows.CheckImport(o, fl.OptionName); err != nil {
		problems = append(problems, err)
	}
	words := optionWords(fl.OptionName)
	if chunk < 0 || chunk > flows.MaxChunkRecords {
		problems = append(problems, fmt.Errorf("%s %d: use 1 to %d records (default %d)", words("chunk"), chunk, flows.MaxChunkRecords, flows.DefaultChunkRecords))
	}
	if o.Results != "" && o.Results != "-" || o.Errors != "" {
		problems = append(problems, fmt.Errorf("%s and %s do not apply to a queued import: its results and errors are kept in the store; get them with integrator runs download ID %s (or %s)",
			words("results"), words("errors"), words("results"), words("errors")))
	}
	if o.Wait {
		problems = append(problems, fmt.Errorf("%s does not apply to a queued import: its records are claimed one by one, so runs of the same import may be queued at once", words("wait")))
	}
	if err := errors.Join(problems...); err != nil {
		return QueuedRun{}, err
	}
	if chunk == 0 {
		chunk = flows.DefaultChunkRecords
	}
	o.Results, o.Errors = "", ""
	_, c, err := a.saved(ctx, fl.Connection)
	if err != nil {
		return QueuedRun{}, err
	}
	st, q, err := a.insertQueue(ctx, words("queue"))
	if err != nil {
		return QueuedRun{}, err
	}
	in, err := os.Open(o.In)
	if err != nil {
		return QueuedRun{}, fmt.Errorf("%s: %w", words("in"), err)
	}
	defer in.Close()
	if info, err := in.Stat(); err == nil && !info.Mode().IsRegular() {
		return QueuedRun{}, fmt.Errorf("%s %s: not a regular file; a queued import uploads a file to the store", words("in"), o.In)
	}
	id := newRunID()
	size, err := splitInput(in, maxInputPiece, func(seq int64, piece []byte, lines int64) error {
		return st.AddArtifacts(ctx, []store.Artifact{{RunID: id, Name: store.ArtifactInput, Seq: seq, Data: piece, Records: lines}}, nil)
	})
	if err != nil {
		_ = st.DeleteArtifacts(context.WithoutCancel(ctx), id)
		return QueuedRun{}, fmt.Errorf("uploading %s to the store: %w; nothing was queued", o.In, err)
	}
	name := filepath.Base(o.In)
	o.In = name
	opts, err := json.Marshal(queuedImport{queuedMark: markFor(c), Import: o, Chunk: chunk, Bytes: size})
	if err != nil {
		return QueuedRun{}, err
	}
	run := QueuedRun{ID: id, Kind: "import", What: fmt.Sprintf("import of %s by %s %s", name, o.Method, o.PathTemplate)}
	err = st.QueueRun(ctx, store.HistoryRun{ID: id, Kind: "import", ConnectionID: c.ID, Connection: c.Name, What: run.What,
		Options: string(opts), StartedAt: time.Now()}, func(tx *sql.Tx) error {
		_, err := q.Insert(ctx, tx, queue.ImportPlanArgs{RunID: id})
		return err
	})
	if err != nil {
		_ = st.DeleteArtifacts(context.WithoutCancel(ctx), id)
		return QueuedRun{}, err
	}
	return run, nil
}

// readQueuedImport reads a queued import's run and options.
func readQueuedImport(ctx context.Context, st *store.Store, runID string) (store.HistoryRun, queuedImport, error) {
	var qi queuedImport
	run, err := st.HistoryRun(ctx, runID)
	if err != nil {
		return run, qi, err
	}
	if err := json.Unmarshal([]byte(run.Options), &qi); err != nil {
		return run, qi, fmt.Errorf("the options of run %s: %w", runID, err)
	}
	return run, qi, nil
}
