package cli

import (
	"context"
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
	case *similarError:
		return e.worded()
	case *app.NotFoundError:
		return (&similarError{err: e}).worded()
	case *app.NameTakenError:
		return fmt.Errorf("a connection with that name already exists: %q (names are case-insensitive; use 'integrator connections edit' to change it)", e.Name)
	case *app.UnknownTypeError:
		if len(e.Known) > 0 {
			return (&similarError{err: e}).worded()
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
// commandError, a name that does not exist with the names it may have
// meant (withSimilar).
func wordErrors(cmd *cobra.Command, f *Factory) {
	if run := cmd.RunE; run != nil {
		cmd.RunE = func(cmd *cobra.Command, args []string) error {
			return commandError(withSimilar(cmd.Context(), f, run(cmd, args)))
		}
	}
	for _, sub := range cmd.Commands() {
		wordErrors(sub, f)
	}
}

// similarError is a connection name or connector type that does not
// exist, with the existing ones it may have meant.
type similarError struct {
	err     error // holds an *app.NotFoundError or *app.UnknownTypeError
	similar []string
}

func (e *similarError) Error() string { return e.err.Error() }
func (e *similarError) Unwrap() error { return e.err }

// withSimilar gives a connection name or connector type that does not
// exist the existing names nearest to it.
func withSimilar(ctx context.Context, f *Factory, err error) error {
	var notFound *app.NotFoundError
	var unknown *app.UnknownTypeError
	switch {
	case errors.As(err, &notFound):
		return &similarError{err: err, similar: f.App().SimilarConnections(ctx, notFound.Name)}
	case errors.As(err, &unknown):
		return &similarError{err: err, similar: app.Similar(unknown.Type, unknown.Known)}
	}
	return err
}

// worded says what does not exist, what it may have meant ("did you mean
// "prod"?") and where to see what there is.
func (e *similarError) worded() error {
	mean := ""
	if len(e.similar) > 0 {
		mean = "; did you mean " + orList(e.similar) + "?"
	}
	switch x := e.err.(type) {
	case *app.NotFoundError:
		return fmt.Errorf("no such connection: %q%s (see 'integrator connections list')", x.Name, mean)
	case *app.UnknownTypeError:
		switch {
		case len(x.Known) == 0:
			return x
		case mean == "":
			return errors.New(x.Error() + " (see 'integrator connectors list')")
		}
		return fmt.Errorf("unknown connector type %q%s (known types: %s; see 'integrator connectors list')", x.Type, mean, strings.Join(x.Known, ", "))
	}
	return errors.New(e.err.Error() + mean)
}

// orList is "a", "a" or "b", or "a", "b" or "c", each quoted.
func orList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}
