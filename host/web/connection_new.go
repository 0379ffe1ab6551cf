package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/openintegrator/integrator/host/app"
)

// typesPage is the first step of creating a connection: its type.
type typesPage struct {
	Types   []app.ConnectorType
	Skipped []skippedPlugin
	Dirs    []string
}

// skippedPlugin is a plugin file that provides no connection type.
type skippedPlugin struct{ Path, Reason string }

// newConnectionPage is GET /connections/new: without ?type=, the
// connection types to choose from; with it, the empty form of that type.
func (s *Server) newConnectionPage(w http.ResponseWriter, r *http.Request) {
	typ := r.URL.Query().Get("type")
	if typ == "" {
		s.typesPage(w, r)
		return
	}
	c, err := s.app.Connector(r.Context(), typ)
	if err != nil {
		s.coreError(w, r, err, "/connections/new")
		return
	}
	p := newFormPage(c.Spec, formState{})
	p.Action = "/connections/new"
	s.render(w, r, http.StatusOK, "connection_form.html", "New "+c.Spec.Name+" connection", "connections", p)
}

func (s *Server) typesPage(w http.ResponseWriter, r *http.Request) {
	types, err := s.app.ConnectorTypes(r.Context())
	if err != nil {
		s.coreError(w, r, err, "/connections")
		return
	}
	p := typesPage{Types: types.Types, Dirs: types.Dirs}
	for _, sk := range types.Skipped {
		p.Skipped = append(p.Skipped, skippedPlugin{Path: sk.Path, Reason: sk.Err.Error()})
	}
	s.render(w, r, http.StatusOK, "connection_types.html", "New connection", "connections", p)
}

// newConnectionPost is POST /connections/new: the form posted with one of
// its buttons. "Test connection" validates and tests what is typed;
// "Save" validates, tests and saves when both pass, then goes to the
// list; either shows every problem at once otherwise, with what was typed
// (secrets excepted).
func (s *Server) newConnectionPost(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		if !s.tooBig(w, r, err) {
			s.fail(w, r, http.StatusBadRequest, "The form could not be read.", "")
		}
		return
	}
	name := r.PostFormValue("name")
	d, err := s.app.NewConnectionForm(r.Context(), r.PostFormValue("type"), name)
	if err != nil {
		s.coreError(w, r, err, "/connections/new")
		return
	}
	defer d.Close()
	s.answerForm(w, r, d, "/connections/new", name)
}

// answerForm runs the form flow on a draft, new or edit: it shows the form
// again with what the checks found, or, for a Save that passed, saves
// and goes to the list.
func (s *Server) answerForm(w http.ResponseWriter, r *http.Request, d formDraft, action, name string) {
	spec := d.Spec()
	values, view, button := readForm(r, spec)
	st := formState{values: values, view: view, saved: d.SavedSecrets()}
	var c checked
	if list, ok := strings.CutPrefix(button, "add:"); ok {
		st.addRow = list // one more row, nothing checked
	} else {
		var err error
		if c, err = check(r, d, values, true); err != nil {
			s.coreError(w, r, err, action)
			return
		}
		st.problems = c.problems
	}
	p := newFormPage(spec, st)
	p.Action, p.Edit, p.Name = action, d.IsEdit(), name
	if err := d.NameError(); err != nil && !p.Edit {
		p.NameError = nameProblem(err)
	}
	p.Problems, p.Ping = c.general, c.ping
	p.RetypeSecrets = typedSecrets(spec, values)
	status := http.StatusOK
	if st.addRow == "" && !c.passed {
		status = http.StatusUnprocessableEntity
	}
	if button == "save" && c.passed && p.NameError == "" {
		saved, err := d.Save(r.Context())
		if err == nil {
			http.Redirect(w, r, "/connections?saved="+url.QueryEscape(saved), http.StatusSeeOther)
			return
		}
		var taken *app.NameTakenError
		var input *app.InputError
		if !errors.As(err, &taken) && !errors.As(err, &input) {
			s.coreError(w, r, err, action)
			return
		}
		p.NameError, status = nameProblem(err), http.StatusUnprocessableEntity
	}
	p.Unsaved = button == "save"
	title := "New " + spec.Name + " connection"
	if p.Edit {
		title = "Edit " + name
	}
	s.render(w, r, status, "connection_form.html", title, "connections", p)
}

// nameProblem words what is wrong with a new connection's name.
func nameProblem(err error) string {
	var taken *app.NameTakenError
	var input *app.InputError
	switch {
	case errors.As(err, &taken):
		return "A connection with this name exists already (names are case-insensitive): choose another, or edit that one."
	case errors.As(err, &input):
		return "The name: " + input.Problem + "."
	}
	return err.Error()
}
