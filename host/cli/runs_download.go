package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/openintegrator/integrator/host/app"
)

// RunsDownloadOptions are the inputs of `runs download`.
type RunsDownloadOptions struct {
	F       *Factory
	ID      string
	Out     string
	Results bool
	Errors  bool
}

func newRunsDownloadCmd(f *Factory) *cobra.Command {
	opts := &RunsDownloadOptions{F: f}
	cmd := &cobra.Command{
		Use:   "download ID [--out FILE|-] [--results|--errors]",
		Short: "Write a queued run's output (or an import's results or errors)",
		Long: `Write what a queued run stored: an export's records or a report's rows
(JSON Lines, in page order), or with --results or --errors an import's
result or error lines. --out FILE writes FILE.part (0600), then renames it
to FILE; without --out, or with --out -, it goes to stdout. A run that has
not ended writes what it stored so far (a warning says so).`,
		Example: `  integrator runs download 5f2c9a1e0b7d4c36 --out campaigns.jsonl
  integrator runs download 8d0b4e6a7c215f93 --errors > errors.jsonl`,
		Args: exactArgs("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ID = args[0]
			return runsDownloadRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Out, "out", "o", "-", "write to `FILE`, or - for stdout")
	cmd.Flags().BoolVar(&opts.Results, "results", false, "write an import's result lines")
	cmd.Flags().BoolVar(&opts.Errors, "errors", false, "write an import's error lines")
	return cmd
}

func runsDownloadRun(ctx context.Context, opts *RunsDownloadOptions) error {
	f := opts.F
	name := app.ArtifactOutput
	switch {
	case opts.Results && opts.Errors:
		return errors.New("--results and --errors are two files: ask for one at a time")
	case opts.Results:
		name = app.ArtifactResults
	case opts.Errors:
		name = app.ArtifactErrors
	}
	r, err := f.App().RunStatusOf(ctx, opts.ID)
	if err != nil {
		return err
	}
	if (opts.Results || opts.Errors) && r.Kind != "import" {
		return fmt.Errorf("--results and --errors are an import's; run %s is a %s run: leave them out", r.ID, r.Kind)
	}
	if !r.Ended() {
		warnf(f.IO.ErrOut, "run %s is %s: this is what it stored so far ('integrator runs wait %s' waits for its end)", r.ID, r.Outcome, r.ID)
	}
	if opts.Out == "" || opts.Out == "-" {
		_, err := f.App().RunArtifact(ctx, opts.ID, name, f.IO.Out)
		return err
	}
	t, err := f.App().DownloadRunArtifact(ctx, opts.ID, name, opts.Out)
	if err != nil {
		return err
	}
	fmt.Fprintf(f.IO.ErrOut, "Wrote %s (%s) to %s\n", plural(int(t.Records), "record"), plural(int(t.Bytes), "byte"), opts.Out)
	return nil
}
