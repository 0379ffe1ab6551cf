package cli

import (
	"bytes"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/openintegrator/integrator/host/app"
)

// ProgressMode says how a run's progress is written on standard error.
type ProgressMode int

// The progress modes.
const (
	ProgressNone    ProgressMode = iota // nothing but errors, warnings and alerts
	ProgressPlain                       // a line now and then, for logs
	ProgressLive                        // a progress bar (or a status line), redrawn, for a terminal
	ProgressSummary                     // the summary line at the end, for scripts
)

// ParseProgressMode reads --progress: auto, plain or none. auto means
// live on a terminal, and otherwise the summary line alone: a run in a
// script is not silent.
func ParseProgressMode(s string, terminal bool) (ProgressMode, error) {
	switch s {
	case "auto", "":
		if terminal {
			return ProgressLive, nil
		}
		return ProgressSummary, nil
	case "plain":
		return ProgressPlain, nil
	case "none":
		return ProgressNone, nil
	}
	return 0, fmt.Errorf("invalid progress mode %q: use auto, plain or none", s)
}

// Progress is the terminal renderer of a run's progress (an app.Progress,
// and an app.Meter), on standard error. In live mode a run's measures are
// drawn as a progress bar (progressbar.go), a status without them as a
// line redrawn in place; either is cleared before any other line is
// written, and put back after it. Its methods may be called from several
// goroutines; a nil *Progress writes nothing.
type Progress struct {
	w    io.Writer
	mode ProgressMode

	mu     sync.Mutex
	last   time.Time
	status string    // the live line on screen, "" if none
	bar    *meterBar // the live bar, once a run measures; nil before
	now    func() time.Time
}

// NewProgress returns a progress writer on w.
func NewProgress(w io.Writer, mode ProgressMode) *Progress {
	p := &Progress{w: w, mode: mode, now: time.Now}
	if mode == ProgressPlain {
		p.last = time.Now() // a run shorter than plainEvery prints only its result
	}
	return p
}

const (
	liveEvery  = 100 * time.Millisecond
	plainEvery = 2 * time.Second
)

var _ app.Meter = (*Progress)(nil)

// Update sets the status. It is written at most every so often: redrawn
// in place in live mode (unless a bar shows the run's measures), as a new
// line in plain mode.
func (p *Progress) Update(format string, args ...any) {
	if p == nil || (p.mode != ProgressLive && p.mode != ProgressPlain) {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		return
	}
	every := liveEvery
	if p.mode == ProgressPlain {
		every = plainEvery
	}
	if now := time.Now(); now.Sub(p.last) >= every {
		p.last = now
		p.show(fmt.Sprintf(format, args...))
	}
}

// Measure draws the run's counts as a progress bar, in live mode only.
func (p *Progress) Measure(m app.Measure) {
	if p == nil || p.mode != ProgressLive {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar == nil || !p.bar.fits(m) {
		if p.bar != nil {
			p.bar.clear()
		}
		p.bar = newMeterBar(p.w, m, p.now())
	}
	p.clearStatus()
	p.bar.update(m, p.now())
}

// Note writes a line that stays, such as a restart or a wait.
func (p *Progress) Note(format string, args ...any) {
	if p == nil || (p.mode != ProgressLive && p.mode != ProgressPlain) {
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
	restore := p.hide()
	fmt.Fprintf(p.w, prefix+format+"\n", args...)
	restore()
}

// Done writes the final status as a line that stays: the summary, in
// every mode but none.
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
func (p *Progress) Shown() bool {
	return p != nil && (p.mode == ProgressLive || p.mode == ProgressPlain)
}

// Clear removes the live line or bar, before an error is printed.
func (p *Progress) Clear() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
}

// Data returns a writer for the run's data that shares the terminal
// with the progress: each write clears the live line or bar first, and
// puts it back after a write that ends a line.
func (p *Progress) Data(w io.Writer) io.Writer {
	if p == nil || p.mode != ProgressLive {
		return w
	}
	return dataWriter{p, w}
}

type dataWriter struct {
	p *Progress
	w io.Writer
}

func (d dataWriter) Write(b []byte) (int, error) {
	d.p.mu.Lock()
	defer d.p.mu.Unlock()
	restore := d.p.hide()
	n, err := d.w.Write(b)
	if bytes.HasSuffix(b, []byte("\n")) {
		restore()
	}
	return n, err
}

// hide clears what is live on screen and returns what puts it back.
func (p *Progress) hide() (restore func()) {
	status, barShown := p.status, p.bar != nil && p.bar.shown
	p.clear()
	return func() {
		switch {
		case status != "":
			p.show(status)
		case barShown:
			p.bar.redraw()
		}
	}
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
	p.clearStatus()
	if p.bar != nil {
		p.bar.clear()
	}
}

func (p *Progress) clearStatus() {
	if p.status != "" {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.status = ""
	}
}
