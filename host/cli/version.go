package cli

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/openintegrator/integrator/shared"
)

// Version is the host's version, set at build time with -ldflags
// "-X github.com/openintegrator/integrator/host/cli.Version=..." (make
// build sets it as it sets the bundled plugins' versions). Empty, the
// version is read from the build information.
var Version = ""

// hostVersion is Version, else the module's version, else 0.1.0-dev with
// the commit it was built from, as make build writes it.
func hostVersion() string {
	if Version != "" {
		return Version
	}
	v := "0.1.0-dev"
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return v
	}
	if m := bi.Main.Version; m != "" && m != "(devel)" {
		return m
	}
	rev, dirty := "", ""
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "-dirty"
			}
		}
	}
	if len(rev) > 7 {
		rev = rev[:7]
	}
	if rev != "" {
		v += "+" + rev + dirty
	}
	return v
}

// versionLine is what --version and version print.
func versionLine() string {
	return fmt.Sprintf("integrator %s (%s, %s/%s, plugin protocol %d)", hostVersion(), runtime.Version(), runtime.GOOS, runtime.GOARCH, shared.ProtocolVersion)
}

// VersionOptions are the inputs of `version`.
type VersionOptions struct {
	F    *Factory
	JSON bool
}

func newVersionCmd(f *Factory) *cobra.Command {
	opts := &VersionOptions{F: f}
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Show the host's version, its Go version and plugin protocol (--json: and the plugins')",
		Long: `Show the host's version, the Go version it was built with, its platform
and the plugin protocol it speaks (a plugin must speak the same). The same
line as integrator --version.

With --json it also lists the connector plugins found, with their
versions: each is started once unless its schema is cached (as
'integrator connectors list' does).`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return versionRun(cmd.Context(), opts) },
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print a JSON object, with the plugins found and their versions")
	return cmd
}

// pluginVersion is a plugin in version --json.
type pluginVersion struct {
	Type    string `json:"type"`
	Name    string `json:"name"`
	Version string `json:"version"`
	Path    string `json:"path"`
}

func versionRun(ctx context.Context, opts *VersionOptions) error {
	f := opts.F
	if !opts.JSON {
		fmt.Fprintln(f.IO.Out, versionLine())
		return nil
	}
	types, err := f.App().ConnectorTypes(ctx)
	if err != nil {
		return err
	}
	for _, p := range types.Skipped {
		warnf(f.IO.ErrOut, "skipped %s: %v", p.Path, p.Err)
	}
	plugins := []pluginVersion{}
	for _, c := range types.Types {
		plugins = append(plugins, pluginVersion{Type: c.Type, Name: c.Name, Version: c.Version, Path: c.Plugin})
	}
	return writeJSON(f.IO.Out, struct {
		Version  string          `json:"version"`
		Go       string          `json:"go"`
		Platform string          `json:"platform"`
		Protocol int             `json:"protocol"`
		Plugins  []pluginVersion `json:"plugins"`
	}{hostVersion(), runtime.Version(), runtime.GOOS + "/" + runtime.GOARCH, shared.ProtocolVersion, plugins})
}
