package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/openintegrator/integrator/schema"
)

// ConnectorsShowOptions are the inputs of `connectors show`.
type ConnectorsShowOptions struct {
	F    *Factory
	Type string
	JSON bool
}

func newConnectorsShowCmd(f *Factory) *cobra.Command {
	opts := &ConnectorsShowOptions{F: f}
	cmd := &cobra.Command{
		Use:   "show TYPE",
		Short: "Show a connection type and its settings",
		Long: `Show a connection type and every setting a connection of that type takes:
its key (for --set), label, kind, whether it is required or secret, its
default and where to find the value.`,
		Example: "  integrator connectors show twitter-ads\n  integrator connectors show twitter-ads --json",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Type = args[0]
			return connectorsShowRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print a JSON object")
	return cmd
}

func connectorsShowRun(ctx context.Context, opts *ConnectorsShowOptions) error {
	f := opts.F
	c, err := f.App().Connector(ctx, opts.Type)
	if err != nil {
		return err
	}
	if opts.JSON {
		return writeJSON(f.IO.Out, c.SpecJSON())
	}
	return printSpec(f.IO.Out, c.Spec, c.Plugin)
}

func printSpec(w io.Writer, s schema.Spec, path string) error {
	fmt.Fprintf(w, "%s (%s) %s\n%s\nPlugin: %s\n", s.Name, s.Type, s.Version, s.Description, path)
	for _, view := range []schema.View{schema.ViewSimple, schema.ViewHTTP} {
		title := map[schema.View]string{schema.ViewSimple: "Settings", schema.ViewHTTP: "HTTP settings (advanced)"}[view]
		fmt.Fprintf(w, "\n%s:\n", title)
		for _, fd := range s.Fields {
			if fd.View != view {
				continue
			}
			var tags []string
			tags = append(tags, string(fd.Kind))
			if fd.Required {
				tags = append(tags, "required")
			}
			if fd.Secret {
				tags = append(tags, "secret")
			}
			if fd.Default != "" {
				tags = append(tags, "default "+fd.Default)
			}
			if len(fd.Options) > 0 {
				tags = append(tags, "one of "+strings.Join(fd.Options, "|"))
			}
			fmt.Fprintf(w, "  %s  %s  [%s]\n", fd.Key, fd.Label, strings.Join(tags, ", "))
			for _, line := range wrap(fd.Help, 72) {
				fmt.Fprintf(w, "      %s\n", line)
			}
		}
	}
	return nil
}

// wrap breaks text into lines of at most width runes, at spaces.
func wrap(text string, width int) []string {
	var lines []string
	var cur strings.Builder
	for _, word := range strings.Fields(text) {
		if cur.Len() > 0 && cur.Len()+1+len(word) > width {
			lines = append(lines, cur.String())
			cur.Reset()
		}
		if cur.Len() > 0 {
			cur.WriteByte(' ')
		}
		cur.WriteString(word)
	}
	if cur.Len() > 0 {
		lines = append(lines, cur.String())
	}
	return lines
}
