package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/openintegrator/integrator/host/app"
)

// queueFlags adds --queue and --detach to a flow command (export, import,
// report).
func queueFlags(cmd *cobra.Command, queue, detach *bool) {
	cmd.Flags().BoolVar(queue, "queue", false, "queue the run for 'integrator worker's (a store on PostgreSQL), print its id and follow it to its end")
	cmd.Flags().BoolVar(detach, "detach", false, "with --queue: print the run's id and return at once")
}

// checkQueueFlags refuses --detach without --queue.
func checkQueueFlags(queue, detach bool) error {
	if detach && !queue {
		return errors.New("--detach goes with --queue: add --queue to queue the run for the workers, or leave --detach out")
	}
	return nil
}

// queued says that run is queued (on stdout: "Queued run ID (what)"),
// then follows it to its end unless detach (see followRun).
func queued(ctx context.Context, f *Factory, run app.QueuedRun, detach bool, progressMode string) error {
	fmt.Fprintf(f.IO.Out, "Queued run %s (%s)\n", run.ID, run.What)
	if detach {
		fmt.Fprintf(f.IO.ErrOut, "Follow it with 'integrator runs wait %s'; get its output with 'integrator runs download %s'.\n", run.ID, run.ID)
		return nil
	}
	if err := followRun(ctx, f, run.ID, progressMode); err != nil {
		return err
	}
	if run.Kind == "import" {
		fmt.Fprintf(f.IO.ErrOut, "Write its results with 'integrator runs download %s --results --out FILE' (--errors for its errors).\n", run.ID)
	} else {
		fmt.Fprintf(f.IO.ErrOut, "Write its output with 'integrator runs download %s --out FILE'.\n", run.ID)
	}
	return nil
}
