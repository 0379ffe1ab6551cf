package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/openintegrator/integrator/host/flows"
	"github.com/openintegrator/integrator/host/store"
)

// The outcomes of a run.
const (
	OutcomeRunning = store.OutcomeRunning
	OutcomeOK      = store.OutcomeOK
	OutcomeFailed  = store.OutcomeFailed
	OutcomeStopped = store.OutcomeStopped
)

// RunRecord is a run the RunManager started, as its history holds it.
type RunRecord struct {
	ID         string `json:"id"`
	Kind       string `json:"kind"`       // export, import or report
	Connection string `json:"connection"` // the connection's name
	What       string `json:"what"`       // what it does, for people
	// Outcome is OutcomeRunning, OutcomeOK, OutcomeFailed (an error, or an
	// import with records that failed or whose outcome is unknown) or
	// OutcomeStopped (stopped, or its process ended before it did).
	Outcome   string     `json:"outcome"`
	Stopping  bool       `json:"stopping"` // it runs still, and was asked to stop
	Records   int64      `json:"records"`  // records exported or imported, rows reported
	Summary   string     `json:"summary"`  // what it did
	Error     string     `json:"error"`    // why it failed or stopped
	Attempts  int        `json:"attempts"` // 1, and one more for each resume
	StartedAt time.Time  `json:"started_at"`
	EndedAt   *time.Time `json:"ended_at,omitempty"`
	// Resumable says that Resume continues it: an export or report that
	// stopped, or failed with what it saved kept; an import that stopped.
	Resumable bool      `json:"resumable"`
	Files     []RunFile `json:"files"` // the files it wrote that are there to download
}

// RunView is a run as someone watching it sees it at one moment.
type RunView struct {
	Run    RunRecord
	Live   bool       // this process runs it, or ran it: its status and events are known
	Status string     // its last status line ("" before the first)
	Events []RunEvent // what it said after the event asked from, oldest first
	Missed int64      // events after the one asked from that were let go (a run keeps its last 1000)
}

// RunManagerOptions say how a RunManager's runs word their options.
type RunManagerOptions struct {
	// OptionName words an option of a run (path, method, resume, ...) as
	// the front end's users know it, in refusals and in the runs'
	// messages; nil: by its name, quoted.
	OptionName func(name string) string
}

// RunManager runs exports, imports and reports in the background for a
// front end that cannot wait for them (the console): a run starts at
// once and gets an id; it can be watched (its last status, what it said,
// a channel that wakes at each change), stopped as Ctrl-C stops the CLI's,
// and resumed when it stopped before its end. Each run keeps its files in
// its own folder under the home, and the history of runs and their
// outcomes is in the store, so it outlives the process. Close stops the
// runs in progress and waits for them.
type RunManager struct {
	a    *App
	opts RunManagerOptions

	mu     sync.Mutex
	live   map[string]*liveRun // the runs this manager runs or ran
	ended  []string            // the ids of live runs that ended, oldest first
	closed bool
	wg     sync.WaitGroup
}

// maxEndedLive bounds the ended runs whose status and events a manager
// keeps; the history keeps every run's outcome.
const maxEndedLive = 100

// historyLimit bounds the runs Runs lists.
const historyLimit = 500

// liveRun is a run of this manager: its progress, how to stop it and,
// once ended, its record.
type liveRun struct {
	pr       *runProgress
	cancel   context.CancelFunc
	stopping atomic.Bool
	done     chan struct{} // closed once it ended and its outcome is recorded
}

// NewRunManager returns a RunManager running its runs through a.
func NewRunManager(a *App, o RunManagerOptions) *RunManager {
	return &RunManager{a: a, opts: o, live: map[string]*liveRun{}}
}

// Close stops every run in progress, as Stop does, and waits until each
// has ended and its outcome is recorded. Nothing starts after it.
func (m *RunManager) Close() {
	m.mu.Lock()
	m.closed = true
	for _, r := range m.live {
		select {
		case <-r.done:
		default:
			r.stopping.Store(true)
			r.pr.Alert("Stopping: the console is stopping")
			r.cancel()
		}
	}
	m.mu.Unlock()
	m.wg.Wait()
}

// StartExport starts an export through the connection in the background:
// o.Out is the run's own output file, and o.Resume and o.Restart are
// ignored (Resume continues the run).
func (m *RunManager) StartExport(ctx context.Context, connection string, o ExportOptions) (RunRecord, error) {
	var problems []string
	if strings.TrimSpace(o.Path) == "" {
		problems = append(problems, m.word("⟪path⟫ is required: the API path of a list, such as accounts/ACCOUNT_ID/campaigns"))
	}
	if o.MaxRecords < 0 {
		problems = append(problems, m.word("⟪max-records⟫ must not be negative (0: all)"))
	}
	if o.MaxPageBytes < 0 {
		problems = append(problems, m.word("⟪max-page-size⟫ must not be negative"))
	}
	o.Resume, o.Restart = false, false
	what := "export of " + o.Path
	if len(o.Params) > 0 {
		var ps []string
		for _, p := range o.Params {
			ps = append(ps, p.Key+"="+p.Value)
		}
		what += " (" + strings.Join(ps, " ") + ")"
	}
	return m.start(ctx, "export", connection, newRunID(), what, problems, o)
}

// StartImport starts an import through the connection in the background,
// reading in (see ReceiveInput): o.In, o.Results and o.Errors are the
// run's own files, and o.Wait is false. A refusal discards in.
func (m *RunManager) StartImport(ctx context.Context, connection string, o ImportOptions, in *RunInput) (RunRecord, error) {
	var problems []string
	if in == nil || in.Size == 0 {
		problems = append(problems, m.word("⟪in⟫: choose a file of JSON Lines, one record per line (the file is empty, or none was given)"))
	}
	o.Method = strings.ToUpper(o.Method)
	if err := flows.CheckImport(o, m.opts.OptionName); err != nil {
		for _, e := range unjoin(err) {
			problems = append(problems, e.Error())
		}
	}
	o.Wait = false
	id, name := newRunID(), ""
	if in != nil {
		id, name = in.id, in.Name
	}
	rec, err := m.start(ctx, "import", connection, id, fmt.Sprintf("import of %s (%s %s)", name, o.Method, o.PathTemplate), problems, o)
	if err != nil {
		in.Discard()
		return rec, err
	}
	in.used = true
	return rec, nil
}

// StartReport starts a report through the connection in the background:
// o.Out is the run's own output file, and o.Resume and o.Restart are
// ignored (Resume continues the run).
func (m *RunManager) StartReport(ctx context.Context, connection string, o ReportOptions) (RunRecord, error) {
	var problems []string
	if err := flows.CheckReport(o, m.opts.OptionName); err != nil {
		for _, e := range unjoin(err) {
			problems = append(problems, e.Error())
		}
	}
	o.Resume, o.Restart = false, false
	what := fmt.Sprintf("report of %s (%s) of account %s from %s to %s", plural(len(o.IDs), strings.ToUpper(o.Entity)+" id"),
		strings.ToUpper(strings.Join(o.Metrics, ",")), o.Account, o.Start.Format(time.DateOnly), o.End.Format(time.DateOnly))
	return m.start(ctx, "report", connection, newRunID(), what, problems, o)
}

// start checks the connection, records the run and starts it.
func (m *RunManager) start(ctx context.Context, kind, connection, id, what string, problems []string, opts any) (_ RunRecord, err error) {
	if strings.TrimSpace(connection) == "" {
		problems = append([]string{m.word("⟪connection⟫ is required: choose the connection to run through")}, problems...)
	}
	if len(problems) > 0 {
		return RunRecord{}, &RunInputError{Problems: problems}
	}
	svc, c, err := m.a.saved(ctx, connection)
	if err != nil {
		return RunRecord{}, err
	}
	js, err := json.Marshal(opts)
	if err != nil {
		return RunRecord{}, err
	}
	if kind != "import" { // an import's folder holds its input already
		var dir string
		if dir, err = m.makeRunDir(id); err != nil {
			return RunRecord{}, err
		}
		defer func() {
			if err != nil {
				os.RemoveAll(dir)
			}
		}()
	}
	hold, err := svc.Store.HoldRun(id)
	if err != nil {
		return RunRecord{}, err
	}
	h := store.HistoryRun{ID: id, Kind: kind, ConnectionID: c.ID, Connection: c.Name, What: what, Options: string(js), StartedAt: time.Now()}
	if err = m.launch(ctx, svc.Store, h, hold, false); err != nil {
		return RunRecord{}, err
	}
	return m.Get(ctx, id)
}

// launch records the run (as new, or as resumed) and runs it in the
// background; the hold is released once its outcome is recorded.
func (m *RunManager) launch(ctx context.Context, st *store.Store, h store.HistoryRun, hold *store.RunHold, resumed bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		hold.Release()
		return &RunStateError{ID: h.ID, Why: "the console is shutting down; nothing was started"}
	}
	var err error
	if resumed {
		err = st.ResumeHistoryRun(ctx, h.ID, h.Options)
	} else {
		err = st.AddHistoryRun(ctx, h)
	}
	if err != nil {
		hold.Release()
		return err
	}
	runCtx, cancel := context.WithCancel(context.Background())
	r := &liveRun{pr: newRunProgress(), cancel: cancel, done: make(chan struct{})}
	if old := m.live[h.ID]; old != nil {
		// A resumed run keeps what its earlier attempts said here, and
		// its events number on.
		m.ended = deleteID(m.ended, h.ID)
		r.pr = old.pr
		r.pr.Update("")
	}
	if resumed {
		r.pr.Note("Resumed: attempt %d", h.Attempts+1)
	}
	m.live[h.ID] = r
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		defer hold.Release()
		defer cancel()
		res := m.run(runCtx, h, r.pr)
		outcome := OutcomeOK
		switch {
		case res.err == nil && res.failure == "":
		case res.err == nil:
			outcome, res.errText = OutcomeFailed, res.failure
		case r.stopping.Load():
			outcome = OutcomeStopped
			res.errText = stoppedText(res.err, m.isClosed())
		default:
			outcome = OutcomeFailed
		}
		if err := st.EndHistoryRun(context.Background(), h.ID, outcome, res.records, res.summary, res.errText); err != nil {
			m.a.log.Error("recording the outcome of a run", "run", h.ID, "error", err)
		}
		// Released before the end is announced: whoever sees the end
		// may resume the run at once.
		hold.Release()
		m.mu.Lock()
		m.ended = append(m.ended, h.ID)
		if len(m.ended) > maxEndedLive {
			delete(m.live, m.ended[0])
			m.ended = m.ended[1:]
		}
		m.mu.Unlock()
		close(r.done)
		r.pr.ended()
	}()
	return nil
}

// stoppedText says why a run that was asked to stop ended, and what it
// kept.
func stoppedText(err error, closing bool) string {
	why := "Stopped on request."
	if closing {
		why = "Stopped: the console it ran in stopped."
	}
	var stopped *StoppedError
	if errors.As(err, &stopped) && stopped.Kept != "" {
		return why + " " + stopped.Kept
	}
	return why // it saved nothing
}

func (m *RunManager) isClosed() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.closed
}

func deleteID(ids []string, id string) []string {
	for i, x := range ids {
		if x == id {
			return append(ids[:i:i], ids[i+1:]...)
		}
	}
	return ids
}

// runResult is what a run's flow came to.
type runResult struct {
	records int64
	summary string
	failure string // why a run that ended without an error failed: an import's records that failed
	err     error
	errText string
}

// run runs the flow of h with its options, its files in its folder.
func (m *RunManager) run(ctx context.Context, h store.HistoryRun, pr *runProgress) (res runResult) {
	defer func() {
		if res.err != nil {
			res.errText = res.err.Error()
		}
	}()
	dir, err := m.runDir(h.ID)
	if err != nil {
		return runResult{err: err}
	}
	fl := Flow{Connection: h.Connection, Progress: pr, Stdout: io.Discard, OptionName: m.opts.OptionName}
	switch h.Kind {
	case "export":
		var o ExportOptions
		if err := json.Unmarshal([]byte(h.Options), &o); err != nil {
			return runResult{err: err}
		}
		o.Out = filepath.Join(dir, outputFileName)
		sum, err := m.a.Export(ctx, fl, o)
		res = runResult{records: sum.Records, err: err}
		if err == nil {
			sum.Out = ""
			res.summary = DescribeExport(sum)
			if w := InvalidUTF8Warning(sum); w != "" {
				pr.Warn("%s", w)
			}
		}
	case "import":
		var o ImportOptions
		if err := json.Unmarshal([]byte(h.Options), &o); err != nil {
			return runResult{err: err}
		}
		o.In, o.Results, o.Errors = filepath.Join(dir, inputFileName), filepath.Join(dir, resultsName), filepath.Join(dir, errorsName)
		sum, err := m.a.Import(ctx, fl, o)
		res = runResult{records: sum.Records, summary: DescribeImport(sum, m.opts.OptionName), err: err}
		if err == nil && ImportFailed(sum) {
			var parts []string
			if sum.Failed > 0 {
				parts = append(parts, plural(int(sum.Failed), "record")+" failed")
			}
			unknown := sum.Unknown + sum.EarlierUnknown
			if unknown > 0 {
				parts = append(parts, plural(int(unknown), "record")+" with an unknown outcome")
			}
			res.failure = strings.Join(parts, " and ") + ": their input lines are in the errors file"
			if sum.Failed+unknown == 1 {
				res.failure = strings.Join(parts, " and ") + ": its input line is in the errors file"
			}
			if unknown > 0 {
				res.failure += ". " + UnknownOutcomeAdvice(m.opts.OptionName)
			}
		}
	case "report":
		var o ReportOptions
		if err := json.Unmarshal([]byte(h.Options), &o); err != nil {
			return runResult{err: err}
		}
		o.Out = filepath.Join(dir, outputFileName)
		sum, err := m.a.Report(ctx, fl, o)
		res = runResult{records: sum.Rows, err: err}
		if err == nil {
			res.summary = DescribeReport(sum)
		}
	default:
		return runResult{err: fmt.Errorf("a run of kind %q cannot be run by this integrator", h.Kind)}
	}
	return res
}

// Stop stops a run in progress as Ctrl-C stops the CLI's: an export or
// report keeps what it saved, an import sends no new record and waits a
// while for its requests in flight. It returns at once; the run ends
// soon after (Watch sees it end).
func (m *RunManager) Stop(ctx context.Context, id string) error {
	m.mu.Lock()
	r := m.live[id]
	m.mu.Unlock()
	if r != nil {
		select {
		case <-r.done:
		default:
			if !r.stopping.Swap(true) {
				r.pr.Alert("Stopping on request")
			}
			r.cancel()
			return nil
		}
	}
	rec, err := m.Get(ctx, id)
	if err != nil {
		return err
	}
	if rec.Outcome == OutcomeRunning {
		return &RunStateError{ID: id, Why: "another integrator process runs it; stop it there"}
	}
	return &RunStateError{ID: id, Why: fmt.Sprintf("it is not in progress (it ended: %s)", rec.Outcome)}
}

// Resume continues a run that stopped before its end (see
// RunRecord.Resumable), under the same id and in the same folder: an
// export or report from what it saved, an import by running it again,
// which skips the records it did.
func (m *RunManager) Resume(ctx context.Context, id string) (RunRecord, error) {
	if !ValidRunID(id) {
		return RunRecord{}, &RunNotFoundError{ID: id}
	}
	st, err := m.a.store(ctx)
	if err != nil {
		return RunRecord{}, err
	}
	m.mu.Lock()
	if r := m.live[id]; r != nil {
		select {
		case <-r.done:
		default:
			m.mu.Unlock()
			return RunRecord{}, &RunStateError{ID: id, Why: "it is in progress"}
		}
	}
	m.mu.Unlock()
	hold, err := st.HoldRun(id)
	var busy *store.BusyError
	if errors.As(err, &busy) {
		return RunRecord{}, &RunStateError{ID: id, Why: "it is in progress"}
	}
	if err != nil {
		return RunRecord{}, err
	}
	launched := false
	defer func() {
		if !launched { // launch releases it once the run ends
			hold.Release()
		}
	}()
	h, err := st.HistoryRun(ctx, id)
	if errors.Is(err, store.ErrNoRun) {
		return RunRecord{}, &RunNotFoundError{ID: id}
	}
	if err != nil {
		return RunRecord{}, err
	}
	rec := m.record(ctx, st, h, true)
	if !rec.Resumable {
		why := "it did not stop before its end"
		switch {
		case rec.Outcome == OutcomeOK:
			why = "it is complete"
		case rec.Kind == "import":
			why = "it ended, with records that failed: fix their lines in the errors file and import that file"
		case rec.Outcome == OutcomeFailed:
			why = "it failed before it saved anything: start it again"
		}
		return RunRecord{}, &RunStateError{ID: id, Why: "it cannot be resumed: " + why}
	}
	if _, c, err := m.a.saved(ctx, h.Connection); err != nil {
		return RunRecord{}, err
	} else if h.ConnectionID != "" && c.ID != h.ConnectionID {
		// The run's connection was deleted and another took its name:
		// resuming by name would send the run's requests, with that
		// one's credentials, to wherever it points (see queued_conn.go).
		return RunRecord{}, &RunStateError{ID: id, Why: fmt.Sprintf("it cannot be resumed: its connection %q was deleted after it started, and the connection named %q now is another one, which the run does not use; nothing was sent: start the run again against the connection you mean",
			h.Connection, h.Connection)}
	}
	if h.Options, err = m.resumeOptions(ctx, st, h); err != nil {
		return RunRecord{}, err
	}
	launched = true // from here launch owns the hold, even when it fails
	if err := m.launch(ctx, st, h, hold, true); err != nil {
		return RunRecord{}, err
	}
	return m.Get(ctx, id)
}

// resumeOptions returns the options of a run's next attempt: an export or
// report resumes what it saved, or starts over when it saved nothing.
func (m *RunManager) resumeOptions(ctx context.Context, st *store.Store, h store.HistoryRun) (string, error) {
	var opts any
	switch h.Kind {
	case "export":
		var o ExportOptions
		if err := json.Unmarshal([]byte(h.Options), &o); err != nil {
			return "", err
		}
		saved, err := m.saved(ctx, st, h.ID)
		if err != nil {
			return "", err
		}
		o.Resume, o.Restart = saved, !saved
		opts = o
	case "report":
		var o ReportOptions
		if err := json.Unmarshal([]byte(h.Options), &o); err != nil {
			return "", err
		}
		saved, err := m.saved(ctx, st, h.ID)
		if err != nil {
			return "", err
		}
		o.Resume, o.Restart = saved, !saved
		opts = o
	default:
		return h.Options, nil
	}
	js, err := json.Marshal(opts)
	return string(js), err
}

// saved reports whether the export or report of run id left a checkpoint
// of what it saved in its part file.
func (m *RunManager) saved(ctx context.Context, st *store.Store, id string) (bool, error) {
	dir, err := m.runDir(id)
	if err != nil {
		return false, err
	}
	owners, err := st.PartOwners(ctx, filepath.Join(dir, outputFileName))
	return len(owners) > 0, err
}

// Get returns the run id of the history.
func (m *RunManager) Get(ctx context.Context, id string) (RunRecord, error) {
	if !ValidRunID(id) {
		return RunRecord{}, &RunNotFoundError{ID: id}
	}
	st, err := m.a.store(ctx)
	if err != nil {
		return RunRecord{}, err
	}
	h, err := st.HistoryRun(ctx, id)
	if errors.Is(err, store.ErrNoRun) {
		return RunRecord{}, &RunNotFoundError{ID: id}
	}
	if err != nil {
		return RunRecord{}, err
	}
	return m.record(ctx, st, h, false), nil
}

// Runs returns the history of runs, newest first (the latest 500).
func (m *RunManager) Runs(ctx context.Context) ([]RunRecord, error) {
	st, err := m.a.store(ctx)
	if err != nil {
		return nil, err
	}
	hs, err := st.HistoryRuns(ctx, historyLimit)
	if err != nil {
		return nil, err
	}
	out := make([]RunRecord, 0, len(hs))
	for _, h := range hs {
		out = append(out, m.record(ctx, st, h, false))
	}
	return out, nil
}

// Watch returns run id as it stands, with what it said after the event
// numbered after (0: from its first), and a channel closed at its next
// change; nil when it will not change here (it ended, or it is not run
// by this process).
func (m *RunManager) Watch(ctx context.Context, id string, after int64) (RunView, <-chan struct{}, error) {
	m.mu.Lock()
	r := m.live[id]
	m.mu.Unlock()
	var v RunView
	var changed <-chan struct{}
	if r != nil {
		v.Live = true
		v.Status, v.Events, v.Missed, changed = r.pr.since(after)
	}
	rec, err := m.Get(ctx, id)
	if err != nil {
		return RunView{}, nil, err
	}
	v.Run = rec
	if r == nil || rec.Outcome != OutcomeRunning {
		changed = nil
	}
	return v, changed, nil
}

// record makes the record of h. A run the history holds as running that
// no live process holds (held: the caller holds it) stopped with its
// process.
func (m *RunManager) record(ctx context.Context, st *store.Store, h store.HistoryRun, held bool) RunRecord {
	rec := RunRecord{ID: h.ID, Kind: h.Kind, Connection: h.Connection, What: h.What, Outcome: h.Outcome, Records: h.Records,
		Summary: h.Summary, Error: h.Error, Attempts: h.Attempts, StartedAt: h.StartedAt.UTC()}
	if !h.EndedAt.IsZero() {
		t := h.EndedAt.UTC()
		rec.EndedAt = &t
	}
	m.mu.Lock()
	r := m.live[h.ID]
	m.mu.Unlock()
	// A queued run is the workers': no process of this machine holds it.
	if rec.Outcome == OutcomeRunning && !isQueued(h) {
		if r != nil {
			rec.Stopping = r.stopping.Load()
		} else if alive, err := st.RunHeld(h.ID); held || (err == nil && !alive) {
			rec.Outcome = OutcomeStopped
			rec.Error = "the integrator process that ran it ended before the run did"
		}
	}
	switch {
	case rec.Outcome == OutcomeStopped:
		rec.Resumable = true
	case rec.Outcome == OutcomeFailed && rec.Kind != "import":
		rec.Resumable, _ = m.saved(ctx, st, h.ID)
	}
	rec.Files = m.files(h.ID, h.Kind)
	return rec
}

// word words the options marked ⟪name⟫ in s as OptionName says.
func (m *RunManager) word(s string) string {
	name := optionWords(m.opts.OptionName)
	for {
		i := strings.Index(s, "⟪")
		j := strings.Index(s, "⟫")
		if i < 0 || j < i {
			return s
		}
		s = s[:i] + name(s[i+len("⟪"):j]) + s[j+len("⟫"):]
	}
}

// unjoin returns the errors err joins, or err itself.
func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}
