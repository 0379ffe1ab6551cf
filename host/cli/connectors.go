package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/openintegrator/integrator/host/app"
)

func newConnectorsCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "connectors",
		Short: "List and describe the connection types the plugins provide",
	}
	cmd.AddCommand(newConnectorsListCmd(f), newConnectorsShowCmd(f))
	return cmd
}

// ConnectorsListOptions are the inputs of `connectors list`.
type ConnectorsListOptions struct {
	F    *Factory
	JSON bool
}

func newConnectorsListCmd(f *Factory) *cobra.Command {
	opts := &ConnectorsListOptions{F: f}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List connection types",
		Long: `List the connection types of every plugin that starts and answers.

A plugin binary seen before, and unchanged since it was trusted, is not
started: its schema comes from the cache. Any other plugin is started once
to ask for its schema; the first binary loaded for a type becomes trusted.
A file that is not a working plugin, or that changed since it was trusted,
is skipped with a warning on stderr; see 'integrator plugins list' and
'integrator plugins trust'.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return connectorsListRun(cmd.Context(), opts) },
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print a JSON array")
	return cmd
}

func connectorsListRun(ctx context.Context, opts *ConnectorsListOptions) error {
	f := opts.F
	types, err := f.App().ConnectorTypes(ctx)
	if err != nil {
		return err
	}
	for _, p := range types.Skipped {
		warnf(f.IO.ErrOut, "skipped %s: %v", p.Path, p.Err)
	}
	list := orEmpty(types.Types)
	if len(list) == 0 {
		warnf(f.IO.ErrOut, "no connector plugins found; put %s<type> programs in one of: %s", app.PluginPrefix, strings.Join(types.Dirs, ", "))
	}
	if opts.JSON {
		return writeJSON(f.IO.Out, list)
	}
	if len(list) == 0 {
		return nil
	}
	tw := newTable(f.IO.Out)
	fmt.Fprintln(tw, "TYPE\tNAME\tVERSION\tDESCRIPTION")
	for _, c := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", c.Type, c.Name, c.Version, c.Description)
	}
	return tw.Flush()
}
