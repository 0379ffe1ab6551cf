package cli

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/spf13/cobra"
)

// ConnectionsShowOptions are the inputs of `connections show`.
type ConnectionsShowOptions struct {
	F    *Factory
	Name string
	JSON bool
}

func newConnectionsShowCmd(f *Factory) *cobra.Command {
	opts := &ConnectionsShowOptions{F: f}
	cmd := &cobra.Command{
		Use:   "show NAME",
		Short: "Show a connection's settings; secrets show as (set)",
		Args:  exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			return connectionsShowRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print a JSON object")
	return cmd
}

func connectionsShowRun(ctx context.Context, opts *ConnectionsShowOptions) error {
	f := opts.F
	v, err := f.App().Connection(ctx, opts.Name)
	if err != nil {
		return err
	}
	if opts.JSON {
		return writeJSON(f.IO.Out, v)
	}
	status, at := testSummary(v.LastTest)
	fmt.Fprintf(f.IO.Out, "Name:       %s\nType:       %s\nCreated:    %s\nUpdated:    %s\nLast test:  %s %s\n\nSettings:\n",
		v.Name, v.Type, v.CreatedAt.Local().Format(time.RFC3339), v.UpdatedAt.Local().Format(time.RFC3339), status, at)
	keys := make([]string, 0, len(v.Settings))
	for k := range v.Settings {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	tw := newTable(f.IO.Out)
	for _, k := range keys {
		fmt.Fprintf(tw, "  %s\t%s\n", k, v.Settings[k])
	}
	return tw.Flush()
}
