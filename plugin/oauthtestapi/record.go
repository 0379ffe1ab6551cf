package oauthtestapi

import (
	"net/http"
	"strings"
)

// Received is a signed request as the server received it.
type Received struct {
	Method string      `json:"method"`
	URL    string      `json:"url"` // absolute, as the client signed it
	Header http.Header `json:"header"`
	Body   string      `json:"body"`
}

// Counts are what the server answered.
type Counts struct {
	OK           int `json:"ok"`
	Unauthorized int `json:"unauthorized"` // a signature or API key refused
	RateLimited  int `json:"rate_limited"` // 420s of items/limited
	MaxInFlight  int `json:"max_in_flight"`
}

// Requests returns the signed requests received, in order.
func (s *Server) Requests() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.received...)
}

// Counts returns the counters.
func (s *Server) Counts() Counts {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts
}

func (s *Server) serveTest(w http.ResponseWriter, r *http.Request) {
	switch strings.TrimPrefix(r.URL.Path, "/_test/") {
	case "requests":
		writeJSON(w, http.StatusOK, s.Requests())
	case "counts":
		writeJSON(w, http.StatusOK, s.Counts())
	default:
		http.NotFound(w, r)
	}
}
