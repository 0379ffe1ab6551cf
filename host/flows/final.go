package flows

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/openintegrator/integrator/shared"
)

// finalError is the error of an answer that asking again cannot change:
// the API refused the request (a 4xx other than 408 and a rate limit), the
// connector refused to send it, or a complete answer is no list of
// records. A flow stops at once on it: waiting and retrying would only
// cost time, and --resume would meet the same answer.
type finalError struct{ err error }

func (e *finalError) Error() string { return e.err.Error() }
func (e *finalError) Unwrap() error { return e.err }

// final marks err as an answer that asking again cannot change.
func final(err error) error { return &finalError{err} }

// isFinal reports whether err, or an error it wraps, is final.
func isFinal(err error) bool {
	var f *finalError
	return errors.As(err, &f)
}

// finalAnswer reports whether an answer's HTTP status says the same
// request will get the same answer later: any 4xx but 408 (timeout) and a
// rate limit (429, or another status the connector marks as one, see
// rateLimited), and 1xx/3xx (redirects are never followed).
func finalAnswer(h shared.ResponseHead) bool {
	switch st := h.Status; {
	case st == http.StatusRequestTimeout, rateLimited(h):
		return false
	case st >= 500 || st == 0 || st >= 200 && st < 300:
		return false
	}
	return true
}

// refused reports whether a response without an HTTP answer says the
// connector would not send the request as it is (a URL it refuses, a
// signing failure): an error with a code that is not a network
// failure's. A failure without a code may be the network's, so it is not.
func refused(h shared.ResponseHead) bool {
	if h.Status != 0 {
		return false
	}
	code, _ := firstError(h)
	return code != "no_answer" && code != "error" && !retryCodes[code]
}

// stoppedAt adds to a final error of an export to a file what it has
// saved: asking again will not help, so the way on is to fix the cause
// first, which --resume cannot do.
func (x *Export) stoppedAt(err error, st *exportState) error {
	if !isFinal(err) || st.pages == 0 || x.Out == "" || x.Out == "-" {
		return err
	}
	how := "once the cause is fixed, ⟪resume⟫ continues from there (or ⟪restart⟫ starts over)"
	if errors.Is(err, errCursorCycle) {
		how = "⟪resume⟫ would meet the cycle again: start over with ⟪restart⟫ once the API answers without it"
	}
	return final(fmt.Errorf("%w\n%s; %s", err, savedNote(st.records, st.pages), how))
}

// savedNote says how much of an export is saved: "14 records in 2 pages
// are saved", "1 record in 1 page is saved".
func savedNote(records, pages int64) string {
	verb := "are"
	if records == 1 {
		verb = "is"
	}
	return fmt.Sprintf("%s in %s %s saved", plural64(records, "record"), plural64(pages, "page"), verb)
}
