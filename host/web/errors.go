package web

import (
	"errors"
	"net/http"

	"github.com/openintegrator/integrator/host/app"
)

// coreError answers an error of the core with the page it calls for: 404
// for a connection or type that is not there, 409 for a refusal the state
// explains (in use, unfinished work), 500 otherwise. The core's errors
// hold no secret.
func (s *Server) coreError(w http.ResponseWriter, r *http.Request, err error, back string) {
	var (
		notFound *app.NotFoundError
		unknown  *app.UnknownTypeError
		inUse    *app.InUseError
		work     *app.UnfinishedWorkError
		input    *app.InputError
		queued   *app.QueuedRunsError
	)
	status := http.StatusInternalServerError
	switch {
	case errors.As(err, &notFound), errors.As(err, &unknown):
		status = http.StatusNotFound
	case errors.As(err, &inUse), errors.As(err, &work), errors.As(err, &queued):
		status = http.StatusConflict
	case errors.As(err, &input):
		status = http.StatusBadRequest
	case r.Context().Err() != nil:
		return // the browser went away, or the console is stopping
	default:
		s.log.Error("request failed", "method", r.Method, "path", r.URL.EscapedPath(), "error", err)
	}
	s.fail(w, r, status, err.Error(), back)
}
