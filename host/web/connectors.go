package web

import (
	"net/http"

	"github.com/openintegrator/integrator/schema"
)

// connectorsPage is GET /connectors: the connection types the plugins
// provide, and the plugin files that provide none, with the reason (what
// `connectors list` shows).
func (s *Server) connectorsPage(w http.ResponseWriter, r *http.Request) {
	types, err := s.app.ConnectorTypes(r.Context())
	if err != nil {
		s.coreError(w, r, err, "")
		return
	}
	p := typesPage{Types: types.Types, Dirs: types.Dirs}
	for _, sk := range types.Skipped {
		p.Skipped = append(p.Skipped, skippedPlugin{Path: sk.Path, Reason: sk.Err.Error()})
	}
	s.render(w, r, http.StatusOK, "connectors.html", "Connectors", "connectors", p)
}

// connectorPage is one connection type with every setting it takes, in
// its sections (what `connectors show` shows).
type connectorPage struct {
	Spec   schema.Spec
	Plugin string
	Groups []connectorGroup
}

type connectorGroup struct {
	Title, Help string
	Advanced    bool
	Fields      []schema.Field
}

// connectorPage is GET /connectors/TYPE.
func (s *Server) connectorPage(w http.ResponseWriter, r *http.Request) {
	c, err := s.app.Connector(r.Context(), r.PathValue("type"))
	if err != nil {
		s.coreError(w, r, err, "/connectors")
		return
	}
	p := connectorPage{Spec: c.Spec, Plugin: c.Plugin}
	for _, g := range c.Spec.Groups() {
		if len(g.Fields) == 0 {
			continue
		}
		title := g.Section.Title
		if g.View != "" {
			title = viewTitle(g.View) + " view"
		}
		p.Groups = append(p.Groups, connectorGroup{Title: title, Help: g.Section.Help, Advanced: g.Advanced, Fields: g.Fields})
	}
	s.render(w, r, http.StatusOK, "connector.html", c.Spec.Name, "connectors", p)
}
