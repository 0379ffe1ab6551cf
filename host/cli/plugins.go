package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/openintegrator/integrator/host/plugins"
)

func newPluginsCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "plugins",
		Short: "Inspect the plugin binaries the host finds",
	}
	cmd.AddCommand(newPluginsListCmd(f))
	return cmd
}

// PluginsListOptions are the inputs of `plugins list`.
type PluginsListOptions struct {
	F    *Factory
	JSON bool
}

func newPluginsListCmd(f *Factory) *cobra.Command {
	opts := &PluginsListOptions{F: f}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List every plugin file found, whether it works, and why not",
		Long: `List every file named integrator-connector-<type> in the plugin folders,
in search order. Each is started once to check that it speaks the plugin
protocol. STATUS is ok, error (REASON says why) or shadowed (a plugin of
the same type in an earlier folder is used instead).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return pluginsListRun(cmd.Context(), opts) },
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print a JSON array")
	return cmd
}

type pluginJSON struct {
	Type       string `json:"type"`
	Path       string `json:"path"`
	Status     string `json:"status"`
	Name       string `json:"name,omitempty"`
	Version    string `json:"version,omitempty"`
	SHA256     string `json:"sha256,omitempty"`
	Error      string `json:"error,omitempty"`
	ShadowedBy string `json:"shadowed_by,omitempty"`
}

func pluginsListRun(ctx context.Context, opts *PluginsListOptions) error {
	f := opts.F
	cands, dirs, err := f.Candidates()
	if err != nil {
		return err
	}
	list := []pluginJSON{}
	for _, p := range plugins.Probe(ctx, cands, f.ClientOptions()) {
		pj := pluginJSON{Type: p.Type, Path: p.Path, SHA256: p.SHA256, ShadowedBy: p.ShadowedBy}
		switch {
		case p.ShadowedBy != "":
			pj.Status = "shadowed"
		case p.Err != nil:
			pj.Status, pj.Error = "error", p.Err.Error()
		default:
			pj.Status, pj.Name, pj.Version = "ok", p.Spec.Name, p.Spec.Version
		}
		list = append(list, pj)
	}
	if opts.JSON {
		return writeJSON(f.IO.Out, list)
	}
	if len(list) == 0 {
		fmt.Fprintf(f.IO.ErrOut, "no plugins found in: %v\n", dirs)
		return nil
	}
	tw := newTable(f.IO.Out)
	fmt.Fprintln(tw, "TYPE\tSTATUS\tVERSION\tPATH\tREASON")
	for _, p := range list {
		reason := p.Error
		if p.ShadowedBy != "" {
			reason = "shadowed by " + p.ShadowedBy
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", p.Type, p.Status, p.Version, p.Path, reason)
	}
	return tw.Flush()
}
