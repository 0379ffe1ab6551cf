package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
)

func newPluginsCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "plugins",
		Short: "Inspect the plugin binaries the host finds, and trust new ones",
		Long: `Inspect the plugin binaries the host finds, and trust new ones.

The first binary loaded for a connector type is trusted: its SHA-256 is
recorded. From then on only that binary runs for the type; a changed or
replaced file is refused until you trust it with 'integrator plugins trust'.

'integrator plugins check TYPE' runs the conformance suite every plugin must
pass on the trusted plugin of a type.`,
	}
	cmd.AddCommand(newPluginsListCmd(f), newPluginsTrustCmd(f), newPluginsCheckCmd(f))
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
protocol. STATUS is ok, error (REASON says why), untrusted (the file is
not the binary trusted for its type: see 'integrator plugins trust') or
shadowed (a plugin of the same type in an earlier folder is used instead).

A path that is a symlink is shown with the file it leads to (PATH ->
TARGET). Whatever the path, a plugin runs from a private copy of the
bytes whose checksum was checked, kept in the plugin-cache folder of
INTEGRATOR_HOME.

With --json, each plugin has its type, path, resolved_path (when path is
a symlink: the file it leads to), status, version, protocol, sha256 (of
the file), trusted (whether that is the trusted checksum of its type)
and, when it is not, trusted_sha256.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return pluginsListRun(cmd.Context(), opts) },
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print a JSON array")
	return cmd
}

func pluginsListRun(ctx context.Context, opts *PluginsListOptions) error {
	f := opts.F
	found, err := f.App().Plugins(ctx)
	if err != nil {
		return err
	}
	list := orEmpty(found.Plugins)
	if opts.JSON {
		return writeJSON(f.IO.Out, list)
	}
	if len(list) == 0 {
		fmt.Fprintf(f.IO.ErrOut, "no plugins found in: %v\n", found.Dirs)
		return nil
	}
	tw := newTable(f.IO.Out)
	fmt.Fprintln(tw, "TYPE\tSTATUS\tVERSION\tSHA256\tPATH\tREASON")
	for _, p := range list {
		reason := p.Error
		if p.ShadowedBy != "" {
			reason = "shadowed by " + p.ShadowedBy
		}
		path := p.Path
		if p.ResolvedPath != "" {
			path += " -> " + p.ResolvedPath
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", p.Type, p.Status, p.Version, shortSum(p.SHA256), path, reason)
	}
	return tw.Flush()
}

func shortSum(sum string) string {
	if len(sum) > 12 {
		return sum[:12]
	}
	return sum
}

// PluginsTrustOptions are the inputs of `plugins trust`.
type PluginsTrustOptions struct {
	F      *Factory
	Type   string
	SHA256 string
	JSON   bool
}

func newPluginsTrustCmd(f *Factory) *cobra.Command {
	opts := &PluginsTrustOptions{F: f}
	cmd := &cobra.Command{
		Use:   "trust TYPE",
		Short: "Trust the plugin binary now found for a connector type",
		Long: `Trust the plugin binary now found for a connector type, after you
installed, upgraded or rebuilt it.

The binary is started once to check that it works, then its SHA-256 is
recorded in place of the old one; the old and new checksums are shown.
With --sha256 the binary is trusted only if it has that checksum (for
example the one published with a release).`,
		Example: "  integrator plugins trust twitter-ads\n  integrator plugins trust twitter-ads --sha256 9f86d081884c7d65...",
		Args:    exactArgs("TYPE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Type = args[0]
			return pluginsTrustRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.SHA256, "sha256", "", "trust the binary only if its SHA-256 is `HEX`")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print a JSON object")
	return cmd
}

func pluginsTrustRun(ctx context.Context, opts *PluginsTrustOptions) error {
	f := opts.F
	out, err := f.App().TrustPlugin(ctx, opts.Type, opts.SHA256)
	if err != nil {
		return err
	}
	if opts.JSON {
		return writeJSON(f.IO.Out, out)
	}
	w := f.IO.Out
	if !out.Changed {
		fmt.Fprintf(w, "%s %s is already trusted (since %s): %s\n  sha256 %s\n", out.Type, out.Version,
			out.Previous.TrustedAt.Format("2006-01-02 15:04"), out.Path, out.SHA256)
		return nil
	}
	fmt.Fprintf(w, "Trusted %s %s: %s\n", out.Type, out.Version, out.Path)
	if p := out.Previous; p != nil {
		fmt.Fprintf(w, "  was sha256 %s  (%s, trusted %s", p.SHA256, p.Version, p.TrustedAt.Format("2006-01-02 15:04"))
		if p.Path != out.Path {
			fmt.Fprintf(w, ", %s", p.Path)
		}
		fmt.Fprintln(w, ")")
	} else {
		fmt.Fprintln(w, "  was: no binary trusted for this type yet")
	}
	fmt.Fprintf(w, "  now sha256 %s\n", out.SHA256)
	return nil
}
