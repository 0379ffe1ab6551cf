package cli

import (
	"fmt"

	"github.com/spf13/cobra"
)

// RunsCancelOptions are the inputs of `runs cancel`.
type RunsCancelOptions struct {
	F  *Factory
	ID string
}

func newRunsCancelCmd(f *Factory) *cobra.Command {
	opts := &RunsCancelOptions{F: f}
	return &cobra.Command{
		Use:   "cancel ID",
		Short: "Cancel a queued run",
		Long: `Cancel a queued run: it is recorded as stopped and its waiting jobs are
cancelled at once; a job running on a worker ends after the page (chunk,
stats job) it is on. What it stored stays downloadable.`,
		Args: exactArgs("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ID = args[0]
			r, err := f.App().CancelRun(cmd.Context(), opts.ID)
			if err != nil {
				return err
			}
			fmt.Fprintf(f.IO.Out, "Cancelled run %s (%s): %s stored; a job running ends after its page.\n", r.ID, r.What, runProgress(r))
			return nil
		},
	}
}
