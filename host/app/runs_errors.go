package app

import (
	"fmt"
	"strings"
)

// RunInputError refuses to start a run: every problem of what it was
// given, each naming the option as the caller's OptionName words it and
// saying how to put it right. Nothing was started or recorded.
type RunInputError struct{ Problems []string }

func (e *RunInputError) Error() string { return strings.Join(e.Problems, "; ") }

// RunNotFoundError is a run id that no run of the history has.
type RunNotFoundError struct{ ID string }

func (e *RunNotFoundError) Error() string { return fmt.Sprintf("no such run: %q", e.ID) }

// RunStateError refuses what a run's state does not allow: stopping a
// run that is not in progress, resuming one that cannot be resumed. Why
// says why, and what can be done instead.
type RunStateError struct {
	ID  string
	Why string
}

func (e *RunStateError) Error() string { return fmt.Sprintf("run %s: %s", e.ID, e.Why) }

// RunFileError is a file of a run that is not there to download: a name
// the run's kind has no file of, or a file the run has not written (yet).
type RunFileError struct {
	ID, Name string
	Why      string
}

func (e *RunFileError) Error() string {
	return fmt.Sprintf("run %s has no %s file: %s", e.ID, e.Name, e.Why)
}

// InputTooLargeError refuses an import's input file larger than the
// limit; what was received of it is removed.
type InputTooLargeError struct{ Limit int64 }

func (e *InputTooLargeError) Error() string {
	return fmt.Sprintf("the input file is larger than the %s an upload may be: split it, or import it with the CLI", sizeText(e.Limit))
}

// sizeText writes a byte count with a binary unit: 256 MiB.
func sizeText(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return plural(int(n), "byte")
}
