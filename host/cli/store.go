package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/openintegrator/integrator/host/app"
)

func newStoreCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "store",
		Short: "Manage the store: its schema, and moving it to PostgreSQL",
		Long: `The store holds connections (secrets sealed), plugin trust, checkpoints,
import ledgers and runs. Without --store or INTEGRATOR_STORE it is SQLite in
$INTEGRATOR_HOME/integrator.db. INTEGRATOR_STORE=postgres://USER@HOST/DB (or
--store URL) puts it in a PostgreSQL database that several machines share;
every one of them needs the same master key (INTEGRATOR_MASTER_KEY).

Put the database's password in INTEGRATOR_STORE, PGPASSWORD or ~/.pgpass,
never in --store: other users can read a command line.`,
	}
	cmd.AddCommand(newStoreMigrateCmd(f), newStoreCopyCmd(f))
	return cmd
}

func newStoreMigrateCmd(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "migrate",
		Short: "Create or upgrade the store's schema",
		Long: `Create the store's tables, or upgrade them to this integrator's schema, and
say what was done. Every command does it on first use; run it once after an
upgrade so that no worker does it while others run.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			m, err := f.App().MigrateStore(cmd.Context())
			if err != nil {
				return err
			}
			switch {
			case m.From == m.To && m.Queue > 0:
				fmt.Fprintf(f.IO.Out, "The %s store %s is up to date (schema version %d).\n", m.Backend, m.Where, m.To)
			case m.From == m.To:
				fmt.Fprintf(f.IO.Out, "The %s store %s is up to date (schema version %d); nothing was changed.\n", m.Backend, m.Where, m.To)
			case m.From == 0:
				fmt.Fprintf(f.IO.Out, "Created the %s store %s (schema version %d).\n", m.Backend, m.Where, m.To)
			default:
				fmt.Fprintf(f.IO.Out, "Upgraded the %s store %s from schema version %d to %d.\n", m.Backend, m.Where, m.From, m.To)
			}
			if m.Queue > 0 {
				fmt.Fprintf(f.IO.Out, "Made the queue's tables for workers (%d of River's migrations applied).\n", m.Queue)
			}
			return nil
		},
	}
}

// StoreCopyOptions are the inputs of `store copy`.
type StoreCopyOptions struct {
	F        *Factory
	From, To string
	Replace  bool
}

func newStoreCopyCmd(f *Factory) *cobra.Command {
	opts := &StoreCopyOptions{F: f}
	cmd := &cobra.Command{
		Use:   "copy --from sqlite [--to postgres://USER@HOST/DB] [--replace]",
		Short: "Copy everything in one store into another, secrets still sealed",
		Long: `Copy connections (their secrets still sealed: nothing is decrypted), plugin
trust, checkpoints, import ledgers and runs from one store into another, in
one transaction of the target: all of it or nothing.

--from and --to take "sqlite" (this home's $INTEGRATOR_HOME/integrator.db), the
path of an SQLite database file, or a postgres:// URL. --to defaults to the
configured store (--store, INTEGRATOR_STORE). A target that holds data is
refused unless --replace, which deletes what it holds first. A source with a
run in progress is refused: stop it, or let it finish.

Every machine using the new store needs the master key that sealed the
secrets: copy $INTEGRATOR_HOME/master.key, or set INTEGRATOR_MASTER_KEY.`,
		Example: `  INTEGRATOR_STORE=postgres://integrator@db.internal/integrator integrator store copy --from sqlite`,
		Args:    cobra.NoArgs,
		RunE:    func(cmd *cobra.Command, _ []string) error { return storeCopyRun(cmd.Context(), opts) },
	}
	cmd.Flags().StringVar(&opts.From, "from", "", "copy from `STORE`: sqlite, an SQLite file's path, or a postgres:// URL (required)")
	cmd.Flags().StringVar(&opts.To, "to", "", "copy into `STORE` (default: the configured store)")
	cmd.Flags().BoolVar(&opts.Replace, "replace", false, "delete what the target holds first")
	return cmd
}

func storeCopyRun(ctx context.Context, opts *StoreCopyOptions) error {
	f := opts.F
	if opts.From == "" {
		return errors.New("store copy needs --from: sqlite, an SQLite file's path, or a postgres:// URL")
	}
	for _, flag := range []struct{ name, value string }{{"--from", opts.From}, {"--to", opts.To}} {
		if err := app.CheckNoPassword(flag.name, flag.value); err != nil {
			return err
		}
	}
	c, err := f.App().CopyStore(ctx, app.Location{Value: opts.From, Source: "--from"}, app.Location{Value: opts.To, Source: "--to"}, opts.Replace)
	if errors.Is(err, app.ErrTargetNotEmpty) {
		return fmt.Errorf("%w; nothing was copied. Copy into an empty store, or add --replace to delete what it holds first", err)
	}
	if errors.Is(err, app.ErrStoreInUse) {
		return fmt.Errorf("the source store has runs in progress (%w); nothing was copied. Let them finish or stop them, then copy again", err)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(f.IO.Out, "Copied %s into %s:\n", c.From, c.To)
	for _, t := range c.Tables {
		fmt.Fprintf(f.IO.Out, "  %-20s %s\n", t, plural(int(c.Rows[t]), "row"))
	}
	fmt.Fprintln(f.IO.Out, "Secrets were copied sealed; every machine using the new store needs the same master key.")
	return nil
}
