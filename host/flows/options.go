package flows

import (
	"errors"
	"regexp"
)

// Messages of the flows name the options a run was given (resume,
// records, max-page-size, ...) by their field, marked as ⟪name⟫; the
// caller says how its users call them (Deps.OptionName: the CLI's
// --resume), and a run's error and its StoppedError's Kept are worded
// with that before they leave the flows.

// opt marks an option's name in a message.
func opt(name string) string { return "⟪" + name + "⟫" }

var marked = regexp.MustCompile(`⟪([a-z-]+)⟫`)

// words replaces the marked option names in s.
func (d *Deps) words(s string) string {
	return marked.ReplaceAllStringFunc(s, func(m string) string {
		name := m[len("⟪") : len(m)-len("⟫")]
		if d.OptionName != nil {
			return d.OptionName(name)
		}
		return `"` + name + `"`
	})
}

// worded returns err with its option names in the caller's words; errors.Is
// and errors.As still see what it wraps.
func (d *Deps) worded(err error) error {
	if err == nil {
		return nil
	}
	var stopped *StoppedError
	if errors.As(err, &stopped) {
		stopped.Kept = d.words(stopped.Kept)
	}
	return &wordedError{err: err, text: d.words(err.Error())}
}

type wordedError struct {
	err  error
	text string
}

func (e *wordedError) Error() string { return e.text }
func (e *wordedError) Unwrap() error { return e.err }
