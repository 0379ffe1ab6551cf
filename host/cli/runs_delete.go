package cli

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/openintegrator/integrator/host/app"
)

// RunsDeleteOptions are the inputs of `runs delete`.
type RunsDeleteOptions struct {
	F         *Factory
	IDs       []string
	OlderThan string // an age (30d, 36h), or ""
}

func newRunsDeleteCmd(f *Factory) *cobra.Command {
	opts := &RunsDeleteOptions{F: f}
	cmd := &cobra.Command{
		Use:   "delete ID... | --older-than AGE",
		Short: "Delete ended runs and what is stored for them",
		Long: `Delete runs that ended (ok, failed or stopped): each run's row of the
history and what is stored for it alone (a queued run's input, output,
results and errors, and a queued export's checkpoint), in one transaction
per run. It says how many runs and bytes it deleted. Get what you want to
keep with 'integrator runs download' first.

A run in progress (queued or running) is refused: cancel it first with
'integrator runs cancel ID' (a console's run: stop it in the console). A
queued run that was cancelled while a job of it ran is refused until that
job has ended (at its next page). Every ID is checked before anything is
deleted: an unknown ID or a run in progress refuses the whole command,
naming each, so a mistyped ID never leaves a list half deleted.

Kept, always: the import ledger (a later import of the same records skips
those already sent, and never sends one twice) and one-process runs'
checkpoints (the same export or report with --resume goes on from them).

--older-than AGE deletes every run that ended more than AGE ago (30d,
36h, 90m; a d is 24 hours), to run from cron and keep the store small.
The age counts from each run's end, not its start, so a run that took a
week is not deleted the moment it ends; runs in progress are never
touched.`,
		Example: `  integrator runs delete 5f2c9a1e0b7d4c36 9e1b0c2d3f4a5b6c
  integrator runs delete --older-than 30d`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.IDs = args
			return runsDeleteRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.OlderThan, "older-than", "", "delete every run that ended more than `AGE` ago (30d, 36h)")
	return cmd
}

func runsDeleteRun(ctx context.Context, opts *RunsDeleteOptions) error {
	f := opts.F
	switch {
	case opts.OlderThan != "" && len(opts.IDs) > 0:
		return fmt.Errorf("give run IDs or --older-than, not both")
	case opts.OlderThan == "" && len(opts.IDs) == 0:
		return fmt.Errorf("name the runs to delete (IDs from 'integrator runs list'), or give --older-than AGE (e.g. 30d)")
	}
	var deleted []app.DeletedRun
	if opts.OlderThan != "" {
		age, err := parseAge(opts.OlderThan)
		if err != nil {
			return err
		}
		d, kept, err := f.App().PruneRuns(ctx, age)
		if err != nil {
			return err
		}
		deleted = d
		ids := make([]string, 0, len(kept))
		for id := range kept {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			fmt.Fprintf(f.IO.ErrOut, "Kept %s\n", kept[id])
		}
		if len(deleted) == 0 {
			fmt.Fprintf(f.IO.Out, "No run ended more than %s ago: nothing deleted.\n", opts.OlderThan)
			return nil
		}
	} else {
		d, err := f.App().DeleteRuns(ctx, opts.IDs)
		if err != nil {
			return err
		}
		deleted = d
	}
	var bytes int64
	for _, d := range deleted {
		fmt.Fprintf(f.IO.Out, "Deleted run %s (%s, %s): %s stored for it.\n", d.ID, d.Kind, d.Outcome, plural(int(d.Bytes), "byte"))
		bytes += d.Bytes
	}
	fmt.Fprintf(f.IO.Out, "Deleted %s, %s; the import ledger and one-process checkpoints are kept.\n", plural(len(deleted), "run"), plural(int(bytes), "byte"))
	return nil
}

// parseAge reads --older-than: a Go duration (36h, 90m) or a number of
// days (30d).
func parseAge(s string) (time.Duration, error) {
	bad := fmt.Errorf("--older-than %q: give an age such as 30d, 36h or 90m (a d is 24 hours)", s)
	var d time.Duration
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.ParseFloat(n, 64)
		if err != nil {
			return 0, bad
		}
		d = time.Duration(days * float64(24*time.Hour))
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, bad
		}
	}
	if d < 0 {
		return 0, bad
	}
	return d, nil
}
