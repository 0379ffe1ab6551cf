package twitteradssim

import (
	"net/http"
	"sync"
)

// inflight counts the handlers running so Close can wait for them. A
// sync.WaitGroup cannot do it: a connection accepted just before Close may
// start its handler (Add from zero) while Close is already in Wait, which
// the WaitGroup forbids and the race detector reports. Here a handler that
// starts after Close answers 503 without running.
type inflight struct {
	mu     sync.Mutex
	idle   sync.Cond
	n      int
	closed bool
}

func (f *inflight) init() { f.idle.L = &f.mu }

// enter admits one handler; false once the server is closing.
func (f *inflight) enter() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return false
	}
	f.n++
	return true
}

func (f *inflight) leave() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n--
	if f.n == 0 {
		f.idle.Broadcast()
	}
}

// closeAndWait admits no more handlers and waits for the running ones.
func (f *inflight) closeAndWait() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed = true
	for f.n > 0 {
		f.idle.Wait()
	}
}

// track wraps h so that its runs are counted.
func (f *inflight) track(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !f.enter() {
			http.Error(w, "the simulator is shutting down", http.StatusServiceUnavailable)
			return
		}
		defer f.leave()
		h.ServeHTTP(w, r)
	})
}
