package web

import "net/http"

// notYet answers a page that is being built.
func (s *Server) notYet(w http.ResponseWriter, r *http.Request) {
	s.fail(w, r, http.StatusNotImplemented, "This page is not built yet.", "/connections")
}

func (s *Server) connectionsPage(w http.ResponseWriter, r *http.Request)      { s.notYet(w, r) }
func (s *Server) newConnectionPage(w http.ResponseWriter, r *http.Request)    { s.notYet(w, r) }
func (s *Server) newConnectionPost(w http.ResponseWriter, r *http.Request)    { s.notYet(w, r) }
func (s *Server) editConnectionPage(w http.ResponseWriter, r *http.Request)   { s.notYet(w, r) }
func (s *Server) editConnectionPost(w http.ResponseWriter, r *http.Request)   { s.notYet(w, r) }
func (s *Server) testConnectionPost(w http.ResponseWriter, r *http.Request)   { s.notYet(w, r) }
func (s *Server) deleteConnectionPage(w http.ResponseWriter, r *http.Request) { s.notYet(w, r) }
func (s *Server) deleteConnectionPost(w http.ResponseWriter, r *http.Request) { s.notYet(w, r) }
func (s *Server) connectorsPage(w http.ResponseWriter, r *http.Request)       { s.notYet(w, r) }
func (s *Server) connectorPage(w http.ResponseWriter, r *http.Request)        { s.notYet(w, r) }
func (s *Server) pluginsPage(w http.ResponseWriter, r *http.Request)          { s.notYet(w, r) }
func (s *Server) trustPluginPost(w http.ResponseWriter, r *http.Request)      { s.notYet(w, r) }
