package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/openintegrator/integrator/host/app"
)

// ConnectionsListOptions are the inputs of `connections list`.
type ConnectionsListOptions struct {
	F    *Factory
	JSON bool
}

func newConnectionsListCmd(f *Factory) *cobra.Command {
	opts := &ConnectionsListOptions{F: f}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List connections with their last test result",
		Args:  noArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return connectionsListRun(cmd.Context(), opts) },
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print a JSON array")
	return cmd
}

func connectionsListRun(ctx context.Context, opts *ConnectionsListOptions) error {
	f := opts.F
	list, err := f.App().Connections(ctx)
	if err != nil {
		return err
	}
	if opts.JSON {
		return writeJSON(f.IO.Out, orEmpty(list))
	}
	if len(list) == 0 {
		fmt.Fprintln(f.IO.ErrOut, "No connections yet: create one with 'integrator connections create'.")
		return nil
	}
	tw := newTable(f.IO.Out)
	fmt.Fprintln(tw, "NAME\tTYPE\tLAST TEST\tTESTED AT")
	for _, c := range list {
		status, at := testSummary(c.LastTest)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", c.Name, c.Type, status, at)
	}
	return tw.Flush()
}

// testSummary is a connection's last test as two columns: its outcome and
// when it ran.
func testSummary(t *app.TestResult) (string, string) {
	if t == nil {
		return "never", "-"
	}
	status := "failed"
	if t.OK {
		status = "ok"
	}
	return status, t.At.Local().Format("2006-01-02 15:04:05")
}
