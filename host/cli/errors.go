package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/openintegrator/integrator/host/app"
)

// commandError words an error of the core for the command line: it names
// the commands and flags that fix it. Other errors are returned as they
// are.
func commandError(err error) error {
	switch e := err.(type) {
	case *app.NameTakenError:
		return fmt.Errorf("a connection with that name already exists: %q (names are case-insensitive; use 'integrator connections edit' to change it)", e.Name)
	case *app.UnknownTypeError:
		if len(e.Known) > 0 {
			return errors.New(e.Error() + " (see 'integrator connectors list')")
		}
	case *app.InputError:
		return fmt.Errorf("--%s: %s", e.Field, e.Problem)
	case *app.NoConversionError:
		return fmt.Errorf("%s (see 'integrator connectors show %s')", e.Error(), e.From)
	case *app.UnfinishedWorkError:
		return fmt.Errorf("connection %q has unfinished work that deleting it would forget:\n  - %s\nNothing was deleted: finish or resume it first, or run this with --force to delete the connection anyway",
			e.Name, strings.Join(e.Work.Forgotten(), "\n  - "))
	}
	return err
}

// wordErrors makes every command below cmd return its errors through
// commandError.
func wordErrors(cmd *cobra.Command) {
	if run := cmd.RunE; run != nil {
		cmd.RunE = func(cmd *cobra.Command, args []string) error { return commandError(run(cmd, args)) }
	}
	for _, sub := range cmd.Commands() {
		wordErrors(sub)
	}
}
