package app

import (
	"fmt"
	"sync"
	"time"
)

// RunEvent is something a run said while it ran: a note (a resume, a
// restart, a wait for a rate limit), an alert (a wait the user must know
// of, such as a stopping run waiting for its requests) or a warning about
// the data.
type RunEvent struct {
	Seq  int64     `json:"seq"` // 1 for a run's first event, counting on
	At   time.Time `json:"at"`
	Kind string    `json:"kind"` // note, alert or warning
	Text string    `json:"text"`
}

// maxRunEvents bounds the events a run keeps: beyond it the oldest go.
const maxRunEvents = 1000

// runProgress is the Progress of a run the RunManager runs. It keeps the
// run's last status and what it said, so that someone who starts watching
// late sees where it stands, and wakes every watcher at each change.
type runProgress struct {
	mu      sync.Mutex
	status  string
	events  []RunEvent
	seq     int64         // the last event's
	changed chan struct{} // closed at the next change
}

func newRunProgress() *runProgress { return &runProgress{changed: make(chan struct{})} }

func (p *runProgress) Update(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.status = fmt.Sprintf(format, args...)
	p.wake()
}

func (p *runProgress) Note(format string, args ...any)  { p.add("note", format, args...) }
func (p *runProgress) Alert(format string, args ...any) { p.add("alert", format, args...) }
func (p *runProgress) Warn(format string, args ...any)  { p.add("warning", format, args...) }

// Clear keeps the last status: how far a run got is worth seeing after it
// ended.
func (p *runProgress) Clear() {}

// Shown is true: someone may be watching (an export then asks the API for
// its total, to show how far it is).
func (p *runProgress) Shown() bool { return true }

func (p *runProgress) add(kind, format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.seq++
	p.events = append(p.events, RunEvent{Seq: p.seq, At: time.Now().UTC(), Kind: kind, Text: fmt.Sprintf(format, args...)})
	if len(p.events) > maxRunEvents {
		p.events = append(p.events[:0:0], p.events[len(p.events)-maxRunEvents:]...)
	}
	p.wake()
}

// ended wakes the watchers once more: the run's record changed.
func (p *runProgress) ended() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.wake()
}

func (p *runProgress) wake() {
	close(p.changed)
	p.changed = make(chan struct{})
}

// since returns the status, the events after seq after, how many events
// after it were let go, and a channel closed at the next change.
func (p *runProgress) since(after int64) (string, []RunEvent, int64, <-chan struct{}) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []RunEvent
	missed := int64(0)
	if len(p.events) > 0 {
		if first := p.events[0].Seq; after < first-1 {
			missed = first - 1 - max(after, 0)
		}
		for _, e := range p.events {
			if e.Seq > after {
				out = append(out, e)
			}
		}
	}
	return p.status, out, missed, p.changed
}
