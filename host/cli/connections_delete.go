package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/openintegrator/integrator/host/app"
)

// printCancelled names the queued runs cancelled with a delete or a
// conversion (--cancel-runs).
func printCancelled(w io.Writer, runs []app.RunStatus) {
	if len(runs) == 0 {
		return
	}
	fmt.Fprintf(w, "Cancelled with it (--cancel-runs), each now stopped; what it stored stays (integrator runs show ID):\n")
	for _, r := range runs {
		fmt.Fprintf(w, "  - run %s: %s, %s\n", r.ID, r.Kind, r.What)
	}
}

// ConnectionsDeleteOptions are the inputs of `connections delete`.
type ConnectionsDeleteOptions struct {
	F          *Factory
	Name       string
	Force      bool
	CancelRuns bool
	Yes        bool
}

func newConnectionsDeleteCmd(f *Factory) *cobra.Command {
	opts := &ConnectionsDeleteOptions{F: f}
	cmd := &cobra.Command{
		Use:   "delete NAME",
		Short: "Delete a connection, its sealed secrets, checkpoints and import ledgers",
		Long: `Delete a connection, its sealed secrets, the checkpoints of its exports and
reports, and its import ledgers.

A connection that a run (export, import, report) is using is never deleted:
wait for the run to end, or stop it, first.

A connection with queued runs (--queue) that have not ended (queued or
running) is not deleted either: each of them is pinned to the connection
and would fail when its next job runs. The runs are listed (id, kind,
what, outcome, progress); wait for them ('integrator runs wait ID'), or
cancel them ('integrator runs cancel ID'), first. --cancel-runs cancels
them together with the delete, in the same transaction (no job of theirs
can start against a connection half deleted), and names each run it
cancelled; what they stored stays ('integrator runs show ID'). A SQLite
store has no queue, so no queued runs.

A connection with unfinished work is deleted only with --force, after the
work is listed: exports and reports that stopped before their end (their
--resume would find nothing to continue, even after a connection of the same
name is created again), and imported records that a stopped run left in
flight or whose outcome is unknown (forgetting them means an import through
a connection created again under this name would send them again). Their FILE.part files are left
where they are.

On a terminal it asks for confirmation first; --yes deletes without
asking, and is needed when standard input is not a terminal (a script).`,
		Example: "  integrator connections delete old-prod\n  integrator connections delete old-prod --yes",
		Args:    exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			return connectionsDeleteRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Force, "force", false, "delete it even with unfinished exports, reports or imports, forgetting them")
	cmd.Flags().BoolVar(&opts.CancelRuns, "cancel-runs", false, "cancel the connection's queued runs that have not ended, together with the delete")
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "delete without asking for confirmation (needed when standard input is not a terminal)")
	return cmd
}

func connectionsDeleteRun(ctx context.Context, opts *ConnectionsDeleteOptions) error {
	f := opts.F
	c, err := f.App().Connection(ctx, opts.Name)
	if err != nil {
		return err
	}
	if !opts.Yes {
		if !f.IO.IsStdinTTY() {
			return fmt.Errorf("connections delete %s: standard input is not a terminal to confirm the delete; add --yes to delete connection %q without being asked", c.Name, c.Name)
		}
		answer, err := f.IO.Prompt(ctx, fmt.Sprintf("Delete connection %q (%s) with its sealed secrets, checkpoints and import ledgers? [y/N]: ", c.Name, c.Type), false)
		if err != nil {
			return err
		}
		if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
			fmt.Fprintln(f.IO.ErrOut, "Nothing was deleted.")
			return exit1
		}
	}
	d, err := f.App().DeleteConnectionWith(ctx, c.Name, app.DeleteOptions{Force: opts.Force, CancelRuns: opts.CancelRuns})
	if err != nil {
		return err
	}
	fmt.Fprintf(f.IO.ErrOut, "Deleted connection %q.\n", d.Name)
	printCancelled(f.IO.ErrOut, d.Cancelled)
	if forgotten := d.Work.Forgotten(); len(forgotten) > 0 {
		fmt.Fprintf(f.IO.ErrOut, "Forgotten with it:\n  - %s\n", strings.Join(forgotten, "\n  - "))
	}
	if done := d.Work.Applied; done > 0 {
		fmt.Fprintf(f.IO.ErrOut, "Its import ledger of %s applied is deleted too: an import through a connection created again under this name would send them again.\n", plural(int(done), "record"))
	}
	return nil
}
