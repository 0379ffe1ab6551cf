package twitteradssim

import (
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// FaultKind is what an injected fault does to a request.
type FaultKind int

const (
	// FaultTooManyRequests answers 429 TOO_MANY_REQUESTS with rate-limit
	// headers whose reset is RetryAfter (default 1s) from now.
	FaultTooManyRequests FaultKind = iota + 1
	// FaultInternalError answers 500 INTERNAL_ERROR.
	FaultInternalError
	// FaultUnavailable answers 503 SERVICE_UNAVAILABLE, with a retry-after
	// header (whole seconds, rounded up) when RetryAfter > 0.
	FaultUnavailable
	// FaultOverCapacity answers 503 OVER_CAPACITY, with retry-after as above.
	FaultOverCapacity
	// FaultResetBefore resets the connection before the request is
	// processed: nothing is applied.
	FaultResetBefore
	// FaultResetAfter processes the request (a POST creates its entity),
	// then resets the connection instead of answering.
	FaultResetAfter
	// FaultSlow waits Delay (or until the client gives up), then answers
	// normally.
	FaultSlow
	// FaultCursorCycle answers normally, except that next_cursor is the
	// cursor the previous matching request carried: a client that follows
	// it reads a page again, A→B→A, as it would from an API whose paging
	// is broken. It fires only on a request whose predecessor carried a
	// cursor.
	FaultCursorCycle
	// FaultInvalidUTF8 answers normally, except that the first "name"
	// string of the body starts with the byte 0xff, which is never valid
	// UTF-8: as if a name had been stored in another encoding.
	FaultInvalidUTF8
)

// LastFaultKind is the last FaultKind, for a loop over all of them.
const LastFaultKind = FaultInvalidUTF8

var faultNames = map[FaultKind]string{
	FaultTooManyRequests: "too_many_requests", FaultInternalError: "internal_error",
	FaultUnavailable: "unavailable", FaultOverCapacity: "over_capacity",
	FaultResetBefore: "reset_before", FaultResetAfter: "reset_after", FaultSlow: "slow",
	FaultCursorCycle: "cursor_cycle", FaultInvalidUTF8: "invalid_utf8",
}

func (k FaultKind) String() string {
	if n, ok := faultNames[k]; ok {
		return n
	}
	return "fault(" + strconv.Itoa(int(k)) + ")"
}

// A Fault says which requests go wrong and how. A request matches when
// its method and path match; of the matching requests, the fault fires on
// every Every-th one, or with probability Fraction when Every is 0 (drawn
// from a generator seeded by the server's seed), or on every one when
// both are 0, at most Times times when Times > 0.
//
// Faults act before authentication, as a load balancer in front of the
// API would. Note that Go's http.Transport may silently retry an
// idempotent request whose kept-alive connection was reset; disable keep
// alives to see every reset.
type Fault struct {
	Kind       FaultKind
	Method     string // "" matches every method
	Path       string // substring of the URL path; "" matches every path
	Download   bool   // act on the download host instead of the API
	Every      int
	Fraction   float64
	Times      int
	RetryAfter time.Duration
	Delay      time.Duration

	backTo string // FaultCursorCycle: the cursor the answer points back to
}

// Faults are checked in order; the first that fires decides.
type Faults []Fault

type faultState struct {
	Fault
	seen, fired int
	lastCursor  string // the cursor of the last matching request
}

type faultSet struct {
	mu     sync.Mutex
	rng    *rand.Rand
	faults []*faultState
}

func newFaultSet(seed int64, f Faults) *faultSet {
	fs := &faultSet{rng: rand.New(rand.NewPCG(uint64(seed), 0xfa017))}
	fs.set(f)
	return fs
}

func (fs *faultSet) set(f Faults) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.faults = nil
	for _, x := range f {
		fs.faults = append(fs.faults, &faultState{Fault: x})
	}
}

// pick returns the fault that fires for r, if any.
func (fs *faultSet) pick(download bool, r *http.Request) (Fault, bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for _, f := range fs.faults {
		if f.Download != download || (f.Method != "" && !strings.EqualFold(f.Method, r.Method)) ||
			!strings.Contains(r.URL.Path, f.Path) || (f.Times > 0 && f.fired >= f.Times) {
			continue
		}
		f.seen++
		var fire bool
		switch {
		case f.Every > 0:
			fire = f.seen%f.Every == 0
		case f.Fraction > 0:
			fire = fs.rng.Float64() < f.Fraction
		default:
			fire = true
		}
		if f.Kind == FaultCursorCycle {
			f.backTo, f.lastCursor = f.lastCursor, r.URL.Query().Get("cursor")
			fire = fire && f.backTo != ""
		}
		if fire {
			f.fired++
			return f.Fault, true
		}
	}
	return Fault{}, false
}

// writeFault answers a request with an injected error status.
func (s *Server) writeFault(w http.ResponseWriter, f Fault, rt *route, vars map[string]string) {
	w.Header().Set(headerCurrentVersion, currentVersion)
	retry := f.RetryAfter
	var e *httpError
	switch f.Kind {
	case FaultTooManyRequests:
		if retry <= 0 {
			retry = time.Second
		}
		reset := s.now().Add(retry)
		setLimitHeaders(w.Header(), "x-rate-limit-", 0, 0, reset)
		if _, ok := vars["account_id"]; ok && rt != nil && rt.method == http.MethodGet {
			setLimitHeaders(w.Header(), "x-account-rate-limit-", 0, 0, reset)
		}
		e = newError(http.StatusTooManyRequests, CodeTooManyRequests, "Rate limit exceeded")
	case FaultInternalError:
		e = newError(http.StatusInternalServerError, CodeInternalError, "Internal error")
	case FaultOverCapacity:
		e = newError(http.StatusServiceUnavailable, "OVER_CAPACITY", "Service is over capacity")
	default:
		e = newError(http.StatusServiceUnavailable, CodeServiceUnavailable, "Service unavailable")
	}
	if (f.Kind == FaultUnavailable || f.Kind == FaultOverCapacity) && retry > 0 {
		w.Header().Set("Retry-After", strconv.FormatInt(int64((retry+time.Second-1)/time.Second), 10))
	}
	writeError(w, e, nil)
}

// resetConn takes the connection from the server and closes it with a
// TCP reset, so the client sees "connection reset by peer" (or EOF).
func resetConn(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	conn.Close()
}

// discardWriter is a ResponseWriter for requests whose answer is never
// sent (FaultResetAfter).
type discardWriter struct{ h http.Header }

func newDiscardWriter() *discardWriter               { return &discardWriter{h: http.Header{}} }
func (d *discardWriter) Header() http.Header         { return d.h }
func (d *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d *discardWriter) WriteHeader(int)             {}
