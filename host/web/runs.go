package web

import (
	"errors"
	"net/http"
	"time"

	"github.com/openintegrator/integrator/host/app"
)

// The Runs pages: /runs lists the history of runs and holds the forms that
// start an export, an import or a report; /runs/ID shows one run, live
// while it runs (an event stream, runs_events.go, read by static/runs.js),
// with Stop, Resume and its files to download. The runs themselves are
// the core's (app.RunManager): these handlers read forms, call it, and
// render what it returns.
//
//	GET  /runs                      the history and the start forms
//	POST /runs/export               start an export (a form)
//	POST /runs/import               start an import (multipart: the input streamed to disk)
//	POST /runs/report               start a report (a form)
//	GET  /runs/{id}                 one run, as it stands
//	GET  /runs/{id}/events          its progress, as Server-Sent Events
//	POST /runs/{id}/stop            stop it
//	POST /runs/{id}/resume          resume it
//	GET  /runs/{id}/files/{name}    download its output, results or errors file

// runsState is what the Runs pages keep while the console serves: the run
// manager, which runs the runs started here and stops them when the
// console stops.
type runsState struct {
	m *app.RunManager
}

// initRuns prepares the Runs pages' state; New calls it.
func (s *Server) initRuns() {
	s.runs.m = app.NewRunManager(s.app, app.RunManagerOptions{OptionName: runOptionLabel})
}

// closeRuns stops the runs in progress (as Ctrl-C stops the CLI's: what
// they saved is kept, and each can be resumed) and waits for them; Serve
// calls it when the console stops.
func (s *Server) closeRuns() { s.runs.m.Close() }

// runsRoutes adds the Runs pages' routes beyond /runs and /runs/{id}.
func (s *Server) runsRoutes(mux *http.ServeMux) {
	mux.Handle("POST /runs/export", s.form(s.startExport))
	mux.Handle("POST /runs/import", s.upload(s.startImport))
	mux.Handle("POST /runs/report", s.form(s.startReport))
	mux.HandleFunc("GET /runs/{id}/events", s.runEvents)
	mux.Handle("POST /runs/{id}/stop", s.form(s.stopRun))
	mux.Handle("POST /runs/{id}/resume", s.form(s.resumeRun))
	mux.HandleFunc("GET /runs/{id}/files/{name}", s.runFile)
}

// runOptionLabel names a run's options as the forms label them, in the
// messages of the core and the runs.
func runOptionLabel(name string) string {
	if l, ok := runOptionLabels[name]; ok {
		return l
	}
	return `"` + name + `"`
}

var runOptionLabels = map[string]string{
	"connection": "Connection", "path": "Path", "records": "Records field", "max-records": "Max records",
	"max-page-size": "Max page size", "resume": "Resume", "restart": "Restart",
	"method": "Method", "as": "Send fields as", "batch": "Batch size", "batch-path": "Batch path", "concurrency": "Concurrency",
	"again": "Send done records again", "max-record-size": "Max record size", "in": "Input file", "wait": "Wait",
	"account": "Account", "entity": "Entity", "ids": "IDs", "start": "Start", "end": "End", "granularity": "Granularity",
	"metrics": "Metrics", "placement": "Placement", "segment": "Segment", "max-jobs": "Max jobs",
}

// runRow is a run as the pages show it.
type runRow struct {
	app.RunRecord
	Title    string // "Export 0123456789abcdef"
	Started  string
	Ended    string
	Duration string
}

func runRowOf(r app.RunRecord) runRow {
	row := runRow{RunRecord: r, Title: runKindTitle(r.Kind) + " " + r.ID, Started: r.StartedAt.UTC().Format(runTimeLayout)}
	if r.EndedAt != nil {
		row.Ended = r.EndedAt.UTC().Format(runTimeLayout)
		row.Duration = r.EndedAt.Sub(r.StartedAt).Round(10 * time.Millisecond).String()
	}
	return row
}

const runTimeLayout = "2006-01-02 15:04:05 UTC"

func runKindTitle(kind string) string {
	switch kind {
	case "export":
		return "Export"
	case "import":
		return "Import"
	case "report":
		return "Report"
	}
	return kind
}

// runPageData is what /runs/{id} shows.
type runPageData struct {
	Run     runRow
	Live    bool // this console runs it: its progress is known
	Status  string
	Events  []app.RunEvent
	Missed  int64
	After   int64  // the last event shown
	Problem string // why an action on it was refused
}

func (s *Server) runPage(w http.ResponseWriter, r *http.Request) {
	s.showRun(w, r, http.StatusOK, "")
}

// showRun renders the run of the request's path, with a problem an action
// on it met.
func (s *Server) showRun(w http.ResponseWriter, r *http.Request, status int, problem string) {
	v, _, err := s.runs.m.Watch(r.Context(), r.PathValue("id"), 0)
	if err != nil {
		s.runError(w, r, err)
		return
	}
	d := runPageData{Run: runRowOf(v.Run), Live: v.Live, Status: v.Status, Events: v.Events, Missed: v.Missed, Problem: problem}
	if n := len(v.Events); n > 0 {
		d.After = v.Events[n-1].Seq
	}
	s.render(w, r, status, "run.html", d.Run.Title, "runs", d)
}

// runError answers an error of the core about a run: a run or file that
// is not there is a 404, anything else a 500 with the core's message
// (which never holds a secret).
func (s *Server) runError(w http.ResponseWriter, r *http.Request, err error) {
	var nf *app.RunNotFoundError
	var fe *app.RunFileError
	switch {
	case errors.As(err, &nf):
		s.fail(w, r, http.StatusNotFound, "There is no run "+r.PathValue("id")+".", "/runs")
	case errors.As(err, &fe):
		s.fail(w, r, http.StatusNotFound, runSentence(fe.Error())+".", "/runs/"+fe.ID)
	default:
		s.log.Error("runs", "error", err)
		s.fail(w, r, http.StatusInternalServerError, runSentence(err.Error()), "/runs")
	}
}

// stopRun stops a run in progress, then shows it.
func (s *Server) stopRun(w http.ResponseWriter, r *http.Request) {
	s.runAction(w, r, func() error { return s.runs.m.Stop(r.Context(), r.PathValue("id")) })
}

// resumeRun resumes a run that stopped before its end, then shows it.
func (s *Server) resumeRun(w http.ResponseWriter, r *http.Request) {
	s.runAction(w, r, func() error {
		_, err := s.runs.m.Resume(r.Context(), r.PathValue("id"))
		return err
	})
}

// runAction does act and sends the browser to the run's page; a refusal
// is shown on the run's page (409), which is otherwise as it was.
func (s *Server) runAction(w http.ResponseWriter, r *http.Request, act func() error) {
	err := act()
	var se *app.RunStateError
	var nc *app.NotFoundError
	switch {
	case err == nil:
		http.Redirect(w, r, "/runs/"+r.PathValue("id"), http.StatusSeeOther)
	case errors.As(err, &se):
		s.showRun(w, r, http.StatusConflict, runSentence(se.Why)+".")
	case errors.As(err, &nc):
		s.showRun(w, r, http.StatusConflict, "Its connection is gone: "+nc.Error()+".")
	default:
		s.runError(w, r, err)
	}
}

// runFile sends a file of a run as a download: only the run's own output,
// results or errors file, from its own folder.
func (s *Server) runFile(w http.ResponseWriter, r *http.Request) {
	f, rf, err := s.runs.m.OpenRunFile(r.Context(), r.PathValue("id"), r.PathValue("name"))
	if err != nil {
		s.runError(w, r, err)
		return
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		s.runError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.Header().Set("Content-Disposition", `attachment; filename="`+rf.FileName+`"`)
	http.ServeContent(w, r, "", info.ModTime(), f)
}

// runSentence writes s with a capital first letter, as a sentence.
func runSentence(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
