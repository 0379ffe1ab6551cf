package cli

import (
	"errors"
	"fmt"
	"io"

	"github.com/openintegrator/integrator/schema"
)

// ExitError ends the command with Code after its message was already
// printed; main prints nothing more.
type ExitError struct{ Code int }

func (e *ExitError) Error() string { return fmt.Sprintf("exit status %d", e.Code) }

// exit1 is the error for "failed, and the reasons are on stderr".
var exit1 = &ExitError{Code: 1}

// IsExitError reports whether err is an ExitError, and its code.
func IsExitError(err error) (int, bool) {
	var e *ExitError
	if errors.As(err, &e) {
		return e.Code, true
	}
	return 0, false
}

// printDiagnostics writes one line per diagnostic to w.
func printDiagnostics(w io.Writer, ds schema.Diagnostics) {
	for _, d := range ds {
		sev := d.Severity
		if sev == "" {
			sev = schema.SeverityError
		}
		fmt.Fprintf(w, "%s: %s\n", sev, d.Error())
	}
}
