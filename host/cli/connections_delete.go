package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/openintegrator/integrator/host/store"
)

func newConnectionsDeleteCmd(f *Factory) *cobra.Command {
	var force bool
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
where they are.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return connectionsDeleteRun(cmd.Context(), f, args[0], force)
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "delete it even with unfinished exports, reports or imports, forgetting them")
	return cmd
}

func connectionsDeleteRun(ctx context.Context, f *Factory, name string, force bool) error {
	svc, err := f.Service(ctx)
	if err != nil {
		return err
	}
	defer svc.Store.Close()
	c, err := svc.Store.Get(ctx, name)
	if err != nil {
		return err
	}
	running, err := svc.Store.Running(ctx, c.ID)
	if err != nil {
		return err
	}
	if len(running) > 0 {
		var b strings.Builder
		for _, o := range running {
			fmt.Fprintf(&b, "\n  - %s", o)
		}
		return fmt.Errorf("connection %q is in use by %s:%s\nNothing was deleted: wait for it to end, or stop it, then delete the connection",
			c.Name, plural(len(running), "run"), b.String())
	}
	unfinished, err := svc.Store.UnfinishedRuns(ctx, c.ID)
	if err != nil {
		return err
	}
	counts, err := svc.Store.ImportCounts(ctx, c.ID)
	if err != nil {
		return err
	}
	var work []string
	for _, u := range unfinished {
		what := u.What
		if what == "" {
			what = fmt.Sprintf("%s to %s", u.Kind, u.OutPath)
		}
		work = append(work, fmt.Sprintf("%s, stopped at %s (%s.part holds what it saved)", what, u.UpdatedAt.Format(time.DateTime), u.OutPath))
	}
	if n := counts[store.ImportSending]; n > 0 {
		work = append(work, fmt.Sprintf("%s that a stopped import left in flight (they may have been applied)", plural(int(n), "imported record")))
	}
	if n := counts[store.ImportUnknown]; n > 0 {
		work = append(work, fmt.Sprintf("%s whose outcome is unknown", plural(int(n), "imported record")))
	}
	if len(work) > 0 && !force {
		return fmt.Errorf("connection %q has unfinished work that deleting it would forget:\n  - %s\nNothing was deleted: finish or resume it first, or run this with --force to delete the connection anyway",
			c.Name, strings.Join(work, "\n  - "))
	}
	if err := svc.Store.Delete(ctx, c.Name); err != nil {
		if errors.Is(err, store.ErrInUse) {
			return fmt.Errorf("connection %q: a run started using it just now; nothing was deleted", c.Name)
		}
		return err
	}
	fmt.Fprintf(f.IO.ErrOut, "Deleted connection %q.\n", c.Name)
	if len(work) > 0 {
		fmt.Fprintf(f.IO.ErrOut, "Forgotten with it:\n  - %s\n", strings.Join(work, "\n  - "))
	}
	if done := counts[store.ImportOK]; done > 0 {
		fmt.Fprintf(f.IO.ErrOut, "Its import ledger of %s applied is deleted too: an import through a connection created again under this name would send them again.\n", plural(int(done), "record"))
	}
	return nil
}
