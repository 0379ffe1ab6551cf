package cli

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// ProgressMode says how a run's progress is written on standard error.
type ProgressMode int

// The progress modes.
const (
	ProgressNone  ProgressMode = iota // nothing but errors
	ProgressPlain                     // a line now and then, for logs
	ProgressLive                      // one status line, redrawn, for a terminal
)

// ParseProgressMode reads --progress: auto, plain or none. auto means
// live on a terminal and nothing otherwise.
func ParseProgressMode(s string, terminal bool) (ProgressMode, error) {
	switch s {
	case "auto", "":
		if terminal {
			return ProgressLive, nil
		}
		return ProgressNone, nil
	case "plain":
		return ProgressPlain, nil
	case "none":
		return ProgressNone, nil
	}
	return 0, fmt.Errorf("invalid progress mode %q: use auto, plain or none", s)
}

// Progress is the terminal renderer of a run's progress (an app.Progress),
// on standard error. Its methods may be called from several goroutines; a
// nil *Progress writes nothing.
type Progress struct {
	w    io.Writer
	mode ProgressMode

	mu     sync.Mutex
	last   time.Time
	status string // the live line on screen, "" if none
}

// NewProgress returns a progress writer on w.
func NewProgress(w io.Writer, mode ProgressMode) *Progress {
	p := &Progress{w: w, mode: mode}
	if mode == ProgressPlain {
		p.last = time.Now() // a run shorter than plainEvery prints only its result
	}
	return p
}

const (
	liveEvery  = 100 * time.Millisecond
	plainEvery = 2 * time.Second
)

// Update sets the status. It is written at most every so often: redrawn
// in place in live mode, as a new line in plain mode.
func (p *Progress) Update(format string, args ...any) {
	if p == nil || p.mode == ProgressNone {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	every := liveEvery
	if p.mode == ProgressPlain {
		every = plainEvery
	}
	if now := time.Now(); now.Sub(p.last) >= every {
		p.last = now
		p.show(fmt.Sprintf(format, args...))
	}
}

// Note writes a line that stays, such as a restart or a wait.
func (p *Progress) Note(format string, args ...any) {
	if p == nil || p.mode == ProgressNone {
		return
	}
	p.always("", format, args...)
}

// Alert writes a line that stays whatever the mode, even none: a wait
// the user must know of, such as a stopping run waiting for its requests.
func (p *Progress) Alert(format string, args ...any) { p.always("", format, args...) }

// Warn writes "warning: " and a line that stays, whatever the mode, none
// included: a warning about the data belongs in a script's log as much as
// on a person's screen.
func (p *Progress) Warn(format string, args ...any) { p.always("warning: ", format, args...) }

func (p *Progress) always(prefix, format string, args ...any) {
	if p == nil || p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	status := p.status
	p.clear()
	fmt.Fprintf(p.w, prefix+format+"\n", args...)
	if status != "" {
		p.show(status)
	}
}

// Done writes the final status as a line that stays.
func (p *Progress) Done(format string, args ...any) {
	if p == nil || p.mode == ProgressNone {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
	fmt.Fprintf(p.w, format+"\n", args...)
}

// Shown reports whether statuses are written at all.
func (p *Progress) Shown() bool { return p != nil && p.mode != ProgressNone }

// Clear removes the live line, before an error is printed.
func (p *Progress) Clear() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
}

func (p *Progress) show(s string) {
	if p.mode == ProgressPlain {
		fmt.Fprintln(p.w, s)
		return
	}
	fmt.Fprintf(p.w, "\r%s\x1b[K", s)
	p.status = s
}

func (p *Progress) clear() {
	if p.status != "" {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.status = ""
	}
}
