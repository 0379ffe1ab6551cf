package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/openintegrator/integrator/host/app"
)

func newRunsCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "runs",
		Short: "List, show, cancel, wait for, download and delete runs",
		Long: `Observe runs from any machine that shares the store: runs queued for the
workers (export, import and report with --queue) and the console's runs.
A queued run's output is kept in the store: 'runs download' writes it.`,
		Args: noArgs,
	}
	cmd.AddCommand(newRunsListCmd(f), newRunsShowCmd(f), newRunsCancelCmd(f), newRunsWaitCmd(f), newRunsDownloadCmd(f), newRunsDeleteCmd(f))
	return cmd
}

// RunsListOptions are the inputs of `runs list`.
type RunsListOptions struct {
	F     *Factory
	JSON  bool
	Limit int
}

func newRunsListCmd(f *Factory) *cobra.Command {
	opts := &RunsListOptions{F: f}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List runs, newest first",
		Args:  noArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return runsListRun(cmd.Context(), opts) },
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print a JSON array")
	cmd.Flags().IntVar(&opts.Limit, "limit", 50, "list the latest `N` runs")
	return cmd
}

func runsListRun(ctx context.Context, opts *RunsListOptions) error {
	f := opts.F
	if opts.Limit < 1 {
		return fmt.Errorf("--limit must be at least 1")
	}
	list, err := f.App().RunStatuses(ctx, opts.Limit)
	if err != nil {
		return err
	}
	if opts.JSON {
		return writeJSON(f.IO.Out, orEmpty(list))
	}
	if len(list) == 0 {
		fmt.Fprintln(f.IO.ErrOut, "No runs yet: queue one with 'integrator export NAME PATH --queue', or start one in the console.")
		return nil
	}
	tw := newTable(f.IO.Out)
	fmt.Fprintln(tw, "ID\tKIND\tCONNECTION\tOUTCOME\tPROGRESS\tSTARTED\tWHAT")
	for _, r := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Kind, r.Connection, r.Outcome, runProgress(r), r.StartedAt.Local().Format(time.DateTime), r.What)
	}
	return tw.Flush()
}

// runProgress is a run's records (and an export's pages) in one column.
func runProgress(r app.RunStatus) string {
	s := plural(int(r.Records), "record")
	if r.Kind == "export" && r.Queued {
		s += " in " + plural(int(r.Pages), "page")
		if r.Total >= 0 {
			s += fmt.Sprintf(" of %d", r.Total)
		}
	}
	return s
}

// RunsShowOptions are the inputs of `runs show`.
type RunsShowOptions struct {
	F    *Factory
	ID   string
	JSON bool
}

func newRunsShowCmd(f *Factory) *cobra.Command {
	opts := &RunsShowOptions{F: f}
	cmd := &cobra.Command{
		Use:   "show ID",
		Short: "Show a run: its outcome, progress and jobs",
		Args:  exactArgs("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ID = args[0]
			return runsShowRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print a JSON object")
	return cmd
}

func runsShowRun(ctx context.Context, opts *RunsShowOptions) error {
	f := opts.F
	r, err := f.App().RunStatusOf(ctx, opts.ID)
	if err != nil {
		return err
	}
	if opts.JSON {
		return writeJSON(f.IO.Out, r)
	}
	tw := newTable(f.IO.Out)
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(tw, "%s:\t%s\n", k, v)
		}
	}
	row("ID", r.ID)
	row("Kind", r.Kind)
	row("Connection", r.Connection)
	row("What", r.What)
	how := "console"
	if r.Queued {
		how = "queued for workers"
	}
	row("Run by", how)
	row("Outcome", r.Outcome)
	row("Progress", runProgress(r))
	row("Summary", r.Summary)
	row("Error", r.Error)
	row("Started", r.StartedAt.Local().Format(time.DateTime))
	if r.EndedAt != nil {
		row("Ended", r.EndedAt.Local().Format(time.DateTime))
	}
	if r.Queued {
		var out []string
		for _, a := range []struct {
			name string
			n    int64
		}{{"output", r.Output}, {"results", r.Results}, {"errors", r.Errors}} {
			if a.n > 0 {
				out = append(out, fmt.Sprintf("%s %s", a.name, plural(int(a.n), "byte")))
			}
		}
		row("Stored", strings.Join(out, ", "))
	}
	for _, j := range r.Jobs {
		s := fmt.Sprintf("%s %s (attempt %d)", j.Kind, j.State, j.Attempt)
		if j.Error != "" {
			s += ": " + j.Error
		}
		row(fmt.Sprintf("Job %d", j.ID), s)
	}
	return tw.Flush()
}
