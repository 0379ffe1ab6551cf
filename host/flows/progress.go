package flows

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// ProgressMode says how a flow reports progress on standard error.
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

// Progress writes a flow's progress. Its methods may be called from
// several goroutines; a nil *Progress writes nothing.
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
	p.mu.Lock()
	defer p.mu.Unlock()
	status := p.status
	p.clear()
	fmt.Fprintf(p.w, format+"\n", args...)
	if status != "" {
		p.show(status)
	}
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

// count writes n with thousands separators: 25,000.
func count(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + count(-n)
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// eta estimates the time left from done of total in elapsed.
func eta(done, total int64, elapsed time.Duration) string {
	if done <= 0 || total <= done || elapsed <= 0 {
		return ""
	}
	left := time.Duration(float64(elapsed) * float64(total-done) / float64(done))
	return ", about " + left.Round(time.Second).String() + " left"
}

// rate writes records per second.
func rate(n int64, elapsed time.Duration) string {
	if elapsed <= 0 {
		return ""
	}
	return fmt.Sprintf(", %s/s", count(int64(float64(n)/elapsed.Seconds())))
}

// plural writes n and noun, with an s unless n is 1.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// plural64 is plural for a count of int64.
func plural64(n int64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return count(n) + " " + noun + "s"
}
