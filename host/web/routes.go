package web

import "net/http"

// routes is the console's route table. The paths of the pages are fixed:
// scripts and bookmarks depend on them. Every route that changes state is
// a POST, its body bounded (form, upload); a GET only reads.
func (s *Server) routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.Handle("GET /static/", s.static())
	mux.HandleFunc("GET /{$}", s.home)

	// Connections.
	mux.HandleFunc("GET /connections", s.connectionsPage)
	mux.HandleFunc("GET /connections/new", s.newConnectionPage) // ?type=TYPE
	mux.Handle("POST /connections/new", s.form(s.newConnectionPost))
	mux.HandleFunc("GET /connections/{name}/edit", s.editConnectionPage)
	mux.Handle("POST /connections/{name}/edit", s.form(s.editConnectionPost))
	mux.Handle("POST /connections/{name}/test", s.form(s.testConnectionPost))
	mux.HandleFunc("GET /connections/{name}/delete", s.deleteConnectionPage) // the confirmation
	mux.Handle("POST /connections/{name}/delete", s.form(s.deleteConnectionPost))

	// Connectors and plugins.
	mux.HandleFunc("GET /connectors", s.connectorsPage)
	mux.HandleFunc("GET /connectors/{type}", s.connectorPage)
	mux.HandleFunc("GET /plugins", s.pluginsPage)
	mux.Handle("POST /plugins/{type}/trust", s.form(s.trustPluginPost))

	// Runs: runs.go and runs_*.go, with templates/runs*.html, hold the
	// Runs pages (built on branch i14-runs, which replaces runs.go). The
	// two fixed pages are here; runsRoutes adds the rest under /runs
	// (starting, watching, stopping, resuming, uploads, downloads),
	// through s.form or s.upload for every POST.
	mux.HandleFunc("GET /runs", s.runsPage)
	mux.HandleFunc("GET /runs/{id}", s.runPage)
	s.runsRoutes(mux)
	return mux
}

// home sends a signed-in browser to the connections.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "/connections", http.StatusSeeOther)
}
