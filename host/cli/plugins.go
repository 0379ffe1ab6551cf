package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/openintegrator/integrator/host/plugins"
)

func newPluginsCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "plugins",
		Short: "Inspect the plugin binaries the host finds, and trust new ones",
		Long: `Inspect the plugin binaries the host finds, and trust new ones.

The first binary loaded for a connector type is trusted: its SHA-256 is
recorded. From then on only that binary runs for the type; a changed or
replaced file is refused until you trust it with 'integrator plugins trust'.`,
	}
	cmd.AddCommand(newPluginsListCmd(f), newPluginsTrustCmd(f))
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
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return pluginsListRun(cmd.Context(), opts) },
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print a JSON array")
	return cmd
}

type pluginJSON struct {
	Type          string `json:"type"`
	Path          string `json:"path"`
	ResolvedPath  string `json:"resolved_path,omitempty"` // where path, a symlink, leads
	Status        string `json:"status"`
	Name          string `json:"name,omitempty"`
	Version       string `json:"version,omitempty"`
	Protocol      int    `json:"protocol,omitempty"`
	SHA256        string `json:"sha256,omitempty"`
	Checksum      string `json:"checksum,omitempty"` // "sha256:<hex>", the same digest with its algorithm named
	Trusted       bool   `json:"trusted"`
	TrustedSHA256 string `json:"trusted_sha256,omitempty"`
	Error         string `json:"error,omitempty"`
	ShadowedBy    string `json:"shadowed_by,omitempty"`
}

func pluginsListRun(ctx context.Context, opts *PluginsListOptions) error {
	f := opts.F
	cands, dirs, err := f.Candidates()
	if err != nil {
		return err
	}
	loaded, err := f.LoadPlugins(ctx, cands, false)
	if err != nil {
		return err
	}
	list := []pluginJSON{}
	for _, p := range loaded {
		pj := pluginJSON{Type: p.Type, Path: p.Path, ResolvedPath: p.ResolvedPath, SHA256: p.SHA256, Trusted: p.Trusted,
			TrustedSHA256: p.TrustedSHA256, ShadowedBy: p.ShadowedBy}
		if p.SHA256 != "" {
			pj.Checksum = "sha256:" + p.SHA256
		}
		var changed *plugins.ChangedError
		switch {
		case p.ShadowedBy != "":
			pj.Status = "shadowed"
		case errors.As(p.Err, &changed):
			pj.Status, pj.Error = "untrusted", p.Err.Error()
		case p.Err != nil:
			pj.Status, pj.Error = "error", p.Err.Error()
		default:
			pj.Status, pj.Name, pj.Version, pj.Protocol = "ok", p.Spec.Name, p.Spec.Version, p.Protocol
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
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Type = args[0]
			return pluginsTrustRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.SHA256, "sha256", "", "trust the binary only if its SHA-256 is `HEX`")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print a JSON object")
	return cmd
}

type trustJSON struct {
	Type     string         `json:"type"`
	Path     string         `json:"path"`
	Version  string         `json:"version"`
	Protocol int            `json:"protocol"`
	SHA256   string         `json:"sha256"`
	Changed  bool           `json:"changed"`
	Previous *trustedBefore `json:"previous"`
}

type trustedBefore struct {
	Path      string    `json:"path"`
	Version   string    `json:"version"`
	SHA256    string    `json:"sha256"`
	TrustedAt time.Time `json:"trusted_at"`
}

func pluginsTrustRun(ctx context.Context, opts *PluginsTrustOptions) error {
	f := opts.F
	c, err := findCandidate(f, opts.Type)
	if err != nil {
		return err
	}
	tr, err := f.Trust(ctx)
	if err != nil {
		return err
	}
	v, err := tr.Check(ctx, c)
	if changed := (*plugins.ChangedError)(nil); err != nil && !errors.As(err, &changed) {
		return fmt.Errorf("plugin %s: %w", c.Path, err)
	}
	if opts.SHA256 != "" && !strings.EqualFold(strings.TrimPrefix(opts.SHA256, "sha256:"), v.SHA256) {
		return fmt.Errorf("plugin %s: its sha256 is %s, not %s: not trusted", c.Path, v.SHA256, opts.SHA256)
	}
	out := trustJSON{Type: c.Type, Path: c.Path, SHA256: v.SHA256, Changed: true}
	if r := v.Record; r != nil {
		out.Previous = &trustedBefore{Path: r.Path, Version: r.Version, SHA256: r.SHA256, TrustedAt: r.TrustedAt}
		out.Changed = r.SHA256 != v.SHA256
		out.Version, out.Protocol = r.Version, r.Protocol
	}
	if out.Changed {
		o, err := f.ClientOptions()
		if err != nil {
			return err
		}
		cache, err := f.ExecCache()
		if err != nil {
			return err
		}
		o.Checksum = v.Checksum()
		inst, err := plugins.Start(ctx, c, cache, o)
		if err != nil {
			return fmt.Errorf("plugin %s: %w; it was not trusted", c.Path, err)
		}
		out.Version, out.Protocol = inst.Spec.Version, inst.Protocol
		err = tr.TrustNow(ctx, c, v.SHA256, inst.Spec, inst.Protocol)
		inst.Close()
		if err != nil {
			return err
		}
	}
	if opts.JSON {
		return writeJSON(f.IO.Out, out)
	}
	w := f.IO.Out
	if !out.Changed {
		fmt.Fprintf(w, "%s %s is already trusted (since %s): %s\n  sha256 %s\n", c.Type, out.Version,
			out.Previous.TrustedAt.Format("2006-01-02 15:04"), c.Path, v.SHA256)
		return nil
	}
	fmt.Fprintf(w, "Trusted %s %s: %s\n", c.Type, out.Version, c.Path)
	if p := out.Previous; p != nil {
		fmt.Fprintf(w, "  was sha256 %s  (%s, trusted %s", p.SHA256, p.Version, p.TrustedAt.Format("2006-01-02 15:04"))
		if p.Path != c.Path {
			fmt.Fprintf(w, ", %s", p.Path)
		}
		fmt.Fprintln(w, ")")
	} else {
		fmt.Fprintln(w, "  was: no binary trusted for this type yet")
	}
	fmt.Fprintf(w, "  now sha256 %s\n", v.SHA256)
	return nil
}
