package cli

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/openintegrator/integrator/host/app"
)

// RunsWaitOptions are the inputs of `runs wait`.
type RunsWaitOptions struct {
	F        *Factory
	ID       string
	Progress string
}

func newRunsWaitCmd(f *Factory) *cobra.Command {
	opts := &RunsWaitOptions{F: f}
	cmd := &cobra.Command{
		Use:   "wait ID",
		Short: "Wait until a run ends: exit 0 when it succeeded, 1 when it failed or stopped",
		Args:  exactArgs("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ID = args[0]
			return followRun(cmd.Context(), f, opts.ID, opts.Progress)
		},
	}
	progressFlag(cmd, &opts.Progress)
	return cmd
}

// followRun waits for the run id to end, showing its progress on stderr
// as --progress asks (a line each time it changes, in plain mode and on a
// terminal), and its end; an exit status of 1 (reasons on stderr) unless
// it ended ok. Ctrl-C stops following, not the run.
func followRun(ctx context.Context, f *Factory, id, progressMode string) error {
	m, err := ParseProgressMode(progressMode, f.IO.IsStderrTTY())
	if err != nil {
		return err
	}
	last := ""
	r, err := f.App().WaitRun(ctx, id, followEvery, func(r app.RunStatus) {
		line := fmt.Sprintf("Run %s: %s, %s", r.ID, r.Outcome, runProgress(r))
		if line != last && (m == ProgressPlain || m == ProgressLive) {
			fmt.Fprintln(f.IO.ErrOut, line)
		}
		last = line
	})
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("stopped waiting for run %s; it goes on: 'integrator runs wait %s' follows it again", id, id)
		}
		return err
	}
	return runEnded(f.IO.ErrOut, r, m != ProgressNone)
}

// followEvery is how often a followed run is read.
var followEvery = 500 * time.Millisecond

// runEnded says how a run ended, and is exit status 1 unless it was ok.
// ok says whether a run that ended ok is said to have.
func runEnded(w io.Writer, r app.RunStatus, ok bool) error {
	if r.Outcome == app.OutcomeOK {
		if !ok {
			return nil
		}
		s := r.Summary
		if s == "" {
			s = runProgress(r)
		}
		fmt.Fprintf(w, "Run %s ended ok: %s\n", r.ID, s)
		return nil
	}
	fmt.Fprintf(w, "error: run %s %s", r.ID, r.Outcome)
	if r.Error != "" {
		fmt.Fprintf(w, ": %s", r.Error)
	}
	fmt.Fprintf(w, " (%s stored)\n", runProgress(r))
	return exit1
}
