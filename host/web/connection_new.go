package web

import (
	"net/http"

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
