package web

import (
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/openintegrator/integrator/host/app"
)

// connectionsPage is the list of connections.
type connectionsPage struct {
	Notice      string
	Connections []connectionRow
}

// connectionRow is one connection with its status: online after a test
// that passed, offline (with the reason) after one that failed, untested.
type connectionRow struct {
	Name, Type string
	Status     string // "online", "offline" or "untested"
	Reason     string
	TestedAt   time.Time
}

func newRow(c app.Connection) connectionRow {
	row := connectionRow{Name: c.Name, Type: c.Type, Status: "untested"}
	if t := c.LastTest; t != nil {
		row.Status, row.TestedAt = "offline", t.At
		if t.OK {
			row.Status = "online"
		} else {
			row.Reason = t.Note
		}
	}
	return row
}

// connectionsPage is GET /connections. ?saved=, ?tested= and ?deleted=
// NAME, where an action sends the browser after it, say what it did.
func (s *Server) connectionsPage(w http.ResponseWriter, r *http.Request) {
	list, err := s.app.Connections(r.Context())
	if err != nil {
		s.coreError(w, r, err, "")
		return
	}
	p := connectionsPage{}
	for _, c := range list {
		p.Connections = append(p.Connections, newRow(c))
	}
	q := r.URL.Query()
	switch {
	case q.Get("saved") != "":
		p.Notice = "Saved the connection " + q.Get("saved") + ": its test passed."
	case q.Get("deleted") != "":
		p.Notice = "Deleted the connection " + q.Get("deleted") + "."
	case q.Get("tested") != "":
		for _, c := range p.Connections {
			if c.Name == q.Get("tested") {
				p.Notice = "Tested " + c.Name + ": " + c.Status
				if c.Reason != "" {
					p.Notice += " (" + c.Reason + ")"
				}
				p.Notice += "."
			}
		}
	}
	s.render(w, r, http.StatusOK, "connections.html", "Connections", "connections", p)
}

// testConnectionPost is POST /connections/NAME/test: it tests the saved
// connection against its API and records the outcome, then shows the
// list with it.
func (s *Server) testConnectionPost(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	_, err := s.app.TestConnection(r.Context(), name)
	var failed *app.TestFailedError
	if err != nil && !errors.As(err, &failed) {
		s.coreError(w, r, err, "/connections")
		return
	}
	http.Redirect(w, r, "/connections?tested="+url.QueryEscape(name), http.StatusSeeOther)
}

// deletePage is the confirmation of a delete: it names the connection,
// and says what stops the delete (a run using it) or what deleting it
// would forget (unfinished work, then deleted only when the user ticks
// that it may be forgotten).
type deletePage struct {
	Name      string
	Running   []string
	Forgotten []string
	Problem   string
}

// deleteConnectionPage is GET /connections/NAME/delete: the confirmation.
func (s *Server) deleteConnectionPage(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	work, err := s.app.Work(r.Context(), name)
	if err != nil {
		s.coreError(w, r, err, "/connections")
		return
	}
	s.render(w, r, http.StatusOK, "connection_delete.html", "Delete "+name, "connections", newDeletePage(name, work, ""))
}

func newDeletePage(name string, w app.Work, problem string) deletePage {
	p := deletePage{Name: name, Forgotten: w.Forgotten(), Problem: problem}
	for _, run := range w.Running {
		p.Running = append(p.Running, run.String())
	}
	return p
}

// deleteConnectionPost is POST /connections/NAME/delete. The core refuses
// while a run uses the connection, and, unless the form says its
// unfinished work may be forgotten ("forget"), while it has some, and
// while queued runs pinned to it have not ended (the console has no
// --cancel-runs: the page names them and the commands that end them); the
// confirmation is shown again saying so.
func (s *Server) deleteConnectionPost(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		if !s.tooBig(w, r, err) {
			s.fail(w, r, http.StatusBadRequest, "The form could not be read.", "")
		}
		return
	}
	name := r.PathValue("name")
	deleted, err := s.app.DeleteConnection(r.Context(), name, r.PostFormValue("forget") != "")
	var inUse *app.InUseError
	var unfinished *app.UnfinishedWorkError
	var queued *app.QueuedRunsError
	switch {
	case errors.As(err, &inUse):
		p := deletePage{Name: name, Problem: "A run is using this connection: nothing was deleted. Wait for it to end, or stop it, then delete the connection."}
		for _, run := range inUse.Runs {
			p.Running = append(p.Running, run.String())
		}
		s.render(w, r, http.StatusConflict, "connection_delete.html", "Delete "+name, "connections", p)
	case errors.As(err, &queued):
		p := deletePage{Name: name, Problem: "Queued runs pinned to this connection have not ended, and each would fail when its next job runs: nothing was deleted. Wait for them to end (integrator runs wait ID), or cancel them (integrator runs cancel ID), then delete the connection; or delete it with integrator connections delete --cancel-runs, which cancels them with the delete."}
		for _, run := range queued.Runs {
			p.Running = append(p.Running, app.DescribeRun(run))
		}
		s.render(w, r, http.StatusConflict, "connection_delete.html", "Delete "+name, "connections", p)
	case errors.As(err, &unfinished):
		p := newDeletePage(name, unfinished.Work, "This connection has unfinished work that deleting it would forget: nothing was deleted. Finish or resume it first, or tick the box to forget it.")
		s.render(w, r, http.StatusConflict, "connection_delete.html", "Delete "+name, "connections", p)
	case err != nil:
		s.coreError(w, r, err, "/connections")
	default:
		http.Redirect(w, r, "/connections?deleted="+url.QueryEscape(deleted.Name), http.StatusSeeOther)
	}
}

// editPath is the edit page of connection name.
func editPath(name string) string { return "/connections/" + url.PathEscape(name) + "/edit" }
