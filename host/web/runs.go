package web

import "net/http"

// This file is a placeholder for the Runs pages (branch i14-runs replaces
// it): /runs says there are no runs yet, /runs/ID that there is no such
// run.

// runsState is what the Runs pages keep while the console serves.
type runsState struct{}

// initRuns prepares the Runs pages' state; New calls it.
func (s *Server) initRuns() {}

// closeRuns stops what the Runs pages started; Serve calls it when the
// console stops.
func (s *Server) closeRuns() {}

// runsRoutes adds the Runs pages' routes beyond /runs and /runs/{id}.
func (s *Server) runsRoutes(mux *http.ServeMux) {}

func (s *Server) runsPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "runs.html", "Runs", "runs", nil)
}

func (s *Server) runPage(w http.ResponseWriter, r *http.Request) {
	s.fail(w, r, http.StatusNotFound, "There is no run "+r.PathValue("id")+".", "/runs")
}
