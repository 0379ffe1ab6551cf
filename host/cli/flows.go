package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/openintegrator/integrator/host/app"
	"github.com/openintegrator/integrator/shared"
)

// flowCommands returns the data-moving commands: export, import, report.
func flowCommands(f *Factory) []*cobra.Command {
	return []*cobra.Command{newExportCmd(f), newImportCmd(f), newReportCmd(f)}
}

// runFlow runs a flow of the core through the connection name, reporting
// its progress as --progress asks, and returns its summary and the
// progress writer for the last line.
func runFlow[O, S any](ctx context.Context, f *Factory, name, progressMode string, opts O,
	run func(*app.App, context.Context, app.Flow, O) (S, error)) (S, *Progress, error) {
	pr, err := newProgress(f, progressMode)
	if err != nil {
		var none S
		return none, nil, err
	}
	sum, err := run(f.App(), ctx, app.Flow{Connection: name, Progress: pr, Stdout: f.IO.Out, OptionName: flagName}, opts)
	return sum, pr, err
}

// progressFlag adds --progress.
func progressFlag(cmd *cobra.Command, p *string) {
	cmd.Flags().StringVar(p, "progress", "auto", "show progress on stderr as `MODE`: auto (when it is a terminal), plain (lines, for logs) or none")
}

// newProgress returns the progress writer that --progress asks for.
func newProgress(f *Factory, mode string) (*Progress, error) {
	m, err := ParseProgressMode(mode, f.IO.IsStderrTTY())
	if err != nil {
		return nil, err
	}
	return NewProgress(f.IO.ErrOut, m), nil
}

// parseParams reads -F KEY=VALUE flags, keeping their order.
func parseParams(fields []string) ([]shared.Param, error) {
	ps, err := app.ParseParams(fields)
	if err != nil {
		return nil, fmt.Errorf("-F %w", err)
	}
	return ps, nil
}

// splitList reads a comma-separated flag value that may also be repeated.
func splitList(values []string) []string { return app.SplitList(values...) }

// flagName is how a run's messages name its options: as the flags that
// set them.
func flagName(option string) string { return "--" + option }
