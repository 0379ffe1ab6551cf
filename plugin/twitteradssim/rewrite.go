package twitteradssim

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
)

// serveRewritten serves a request through serve, then passes a successful
// JSON answer's body through rewrite before it is sent: the faults that
// answer normally but for one detail.
func serveRewritten(w http.ResponseWriter, serve func(http.ResponseWriter), rewrite func([]byte) []byte) {
	rec := &recorder{h: http.Header{}, status: http.StatusOK}
	serve(rec)
	body := rec.body.Bytes()
	if rec.status == http.StatusOK {
		body = rewrite(body)
	}
	for k, vs := range rec.h {
		w.Header()[k] = vs
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(rec.status)
	w.Write(body)
}

// rewrite changes an answer's body as the fault says.
func (f Fault) rewrite(body []byte) []byte {
	switch f.Kind {
	case FaultCursorCycle:
		var doc map[string]json.RawMessage
		if json.Unmarshal(body, &doc) != nil {
			return body
		}
		if _, ok := doc["next_cursor"]; !ok {
			return body
		}
		doc["next_cursor"], _ = json.Marshal(f.backTo)
		b, err := json.Marshal(doc)
		if err != nil {
			return body
		}
		return append(b, '\n')
	case FaultInvalidUTF8:
		return bytes.Replace(body, []byte(`"name":"`), []byte("\"name\":\"\xff"), 1)
	}
	return body
}

// recorder is a ResponseWriter that keeps the answer for a rewrite.
type recorder struct {
	h      http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.h }
func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) }
func (r *recorder) WriteHeader(status int)      { r.status = status }
