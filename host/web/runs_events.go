package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// runEventsPace is the least time between two writes of a run's event
// stream: a run may change its status thousands of times a second (an
// import, at each record), a person reads a few.
const runEventsPace = 200 * time.Millisecond

// runEventsKeepAlive is how often a quiet stream sends a comment, so that
// proxies and browsers keep it open.
const runEventsKeepAlive = 15 * time.Second

// runEvents streams a run's progress as Server-Sent Events, from the
// event after ?after=N (or the Last-Event-ID a reconnecting browser
// sends): "status" ({"status","stopping"}) whenever the status line
// changes, "event" (a RunEvent, its id the event's number) for each note,
// alert or warning, and "end" ({"outcome"}) once the run has ended, or at
// once for a run this console does not run; then the stream ends. It
// only reads.
func (s *Server) runEvents(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	if last := r.Header.Get("Last-Event-ID"); last != "" {
		after, _ = strconv.ParseInt(last, 10, 64)
	}
	ctx := r.Context()
	v, changed, err := s.runs.m.Watch(ctx, id, after)
	if err != nil {
		s.runError(w, r, err)
		return
	}
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return // a stream has no length to tell, and a HEAD wants no body
	}
	status, stopping := "\x00", false // nothing sent yet
	keepAlive := time.NewTicker(runEventsKeepAlive)
	defer keepAlive.Stop()
	for {
		if v.Status != status || v.Run.Stopping != stopping {
			status, stopping = v.Status, v.Run.Stopping
			runSSE(w, "status", "", map[string]any{"status": status, "stopping": stopping})
		}
		for _, e := range v.Events {
			runSSE(w, "event", strconv.FormatInt(e.Seq, 10), e)
			after = e.Seq
		}
		if changed == nil {
			runSSE(w, "end", "", map[string]any{"outcome": v.Run.Outcome, "live": v.Live})
			rc.Flush()
			return
		}
		if err := rc.Flush(); err != nil {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-keepAlive.C:
			fmt.Fprint(w, ": still here\n\n")
			continue
		case <-changed:
		}
		// Let changes gather for a moment, then send where the run stands.
		pace := time.NewTimer(runEventsPace)
		select {
		case <-ctx.Done():
			pace.Stop()
			return
		case <-pace.C:
		}
		if v, changed, err = s.runs.m.Watch(ctx, id, after); err != nil {
			return
		}
	}
}

// runSSE writes one event of a stream, its data as JSON (one line).
func runSSE(w http.ResponseWriter, event, id string, data any) {
	b, err := json.Marshal(data)
	if err != nil {
		return
	}
	if id != "" {
		fmt.Fprintf(w, "id: %s\n", id)
	}
	fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, b)
}
