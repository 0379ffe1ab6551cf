package flows

import (
	"fmt"
	"strings"
	"time"
)

// Progress hears what a run has to say while it runs. The CLI's terminal
// renderer is one; a console's event stream would be another. Its methods
// are called from several goroutines. A nil Progress in Deps hears nothing.
type Progress interface {
	// Update gives the run's status, which the next Update replaces (the
	// renderer may show only some of them).
	Update(format string, args ...any)
	// Note tells of something that happened, such as a restart, a resume
	// or a wait, for those who follow the progress.
	Note(format string, args ...any)
	// Alert tells of a wait the user must know of whether or not progress
	// is followed, such as a stopping run waiting for its requests.
	Alert(format string, args ...any)
	// Warn tells of something about the data whether or not progress is
	// followed: a warning belongs in a script's log as much as on a screen.
	Warn(format string, args ...any)
	// Clear says the status is over: the run ends, or an error follows.
	Clear()
	// Shown reports whether the status is shown at all; an export asks
	// the API for its total count only then.
	Shown() bool
}

// quiet is the Progress of a run that has none.
type quiet struct{}

func (quiet) Update(string, ...any) {}
func (quiet) Note(string, ...any)   {}
func (quiet) Alert(string, ...any)  {}
func (quiet) Warn(string, ...any)   {}
func (quiet) Clear()                {}
func (quiet) Shown() bool           { return false }

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
