package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// ConnectionsDeleteOptions are the inputs of `connections delete`.
type ConnectionsDeleteOptions struct {
	F     *Factory
	Name  string
	Force bool
	Yes   bool
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
	d, err := f.App().DeleteConnection(ctx, c.Name, opts.Force)
	if err != nil {
		return err
	}
	fmt.Fprintf(f.IO.ErrOut, "Deleted connection %q.\n", d.Name)
	if forgotten := d.Work.Forgotten(); len(forgotten) > 0 {
		fmt.Fprintf(f.IO.ErrOut, "Forgotten with it:\n  - %s\n", strings.Join(forgotten, "\n  - "))
	}
	if done := d.Work.Applied; done > 0 {
		fmt.Fprintf(f.IO.ErrOut, "Its import ledger of %s applied is deleted too: an import through a connection created again under this name would send them again.\n", plural(int(done), "record"))
	}
	return nil
}
