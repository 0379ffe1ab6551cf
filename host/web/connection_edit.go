package web

import (
	"net/http"

	"github.com/openintegrator/integrator/host/app"
)

// editConnectionPage is GET /connections/NAME/edit: the form with the
// saved settings, non-secret ones filled in; each secret the connection
// has says it is set and must be typed again to save (the core's edit
// rule: an edit never reuses a stored secret).
func (s *Server) editConnectionPage(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	d, err := s.app.EditConnection(r.Context(), name, app.Settings{})
	if err != nil {
		s.coreError(w, r, err, "/connections")
		return
	}
	defer d.Close()
	p := newFormPage(d.Spec(), formState{values: d.Values(), saved: d.SavedSecrets()})
	p.Action, p.Edit, p.Name = editPath(name), true, name
	s.render(w, r, http.StatusOK, "connection_form.html", "Edit "+name, "connections", p)
}

// editConnectionPost is POST /connections/NAME/edit: as a new
// connection's form, over the saved connection.
func (s *Server) editConnectionPost(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		if !s.tooBig(w, r, err) {
			s.fail(w, r, http.StatusBadRequest, "The form could not be read.", "")
		}
		return
	}
	name := r.PathValue("name")
	d, err := s.app.EditConnection(r.Context(), name, app.Settings{})
	if err != nil {
		s.coreError(w, r, err, "/connections")
		return
	}
	defer d.Close()
	s.answerForm(w, r, d, editPath(name), name)
}
