package cli

import (
	"context"
	"errors"

	"github.com/spf13/cobra"

	"github.com/openintegrator/integrator/host/app"
)

// ConnectionsTestOptions are the inputs of `connections test`.
type ConnectionsTestOptions struct {
	F    *Factory
	Name string
}

func newConnectionsTestCmd(f *Factory) *cobra.Command {
	opts := &ConnectionsTestOptions{F: f}
	return &cobra.Command{
		Use:   "test NAME",
		Short: "Test a saved connection against the API (exit 0 when ok, 1 when not)",
		Args:  exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			return connectionsTestRun(cmd.Context(), opts)
		},
	}
}

// connectionsTestRun prints the test's result; the exit status is 1 when
// it did not pass.
func connectionsTestRun(ctx context.Context, opts *ConnectionsTestOptions) error {
	f := opts.F
	res, err := f.App().TestConnection(ctx, opts.Name)
	if res != nil {
		printPing(f, *res)
	}
	if failed := (*app.TestFailedError)(nil); errors.As(err, &failed) {
		return exit1
	}
	return err
}
