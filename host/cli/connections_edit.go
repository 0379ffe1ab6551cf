package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/openintegrator/integrator/host/connections"
	"github.com/openintegrator/integrator/schema"
)

// ConnectionsEditOptions are the inputs of `connections edit`.
type ConnectionsEditOptions struct {
	F    *Factory
	Name string
	inputFlags
}

func newConnectionsEditCmd(f *Factory) *cobra.Command {
	opts := &ConnectionsEditOptions{F: f}
	cmd := &cobra.Command{
		Use:   "edit NAME [--set KEY=VALUE]... [--unset KEY]... [--secret-env KEY=ENVVAR]... [--secrets-file FILE]",
		Short: "Change a connection's settings; every secret must be entered again",
		Long: `Change a connection's settings. Non-secret settings keep their values unless
changed with --set or removed with --unset. Every secret setting must be
entered again, as when the connection was created: stored secrets are never
shown or reused by an edit.

The new settings are validated and tested (unless --no-test); nothing is
stored unless both pass.

` + secretsHelp,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			return connectionsEditRun(cmd.Context(), opts)
		},
	}
	addInputFlags(cmd, &opts.inputFlags)
	cmd.Flags().StringArrayVar(&opts.in.Unset, "unset", nil, "remove an optional setting, `KEY` (repeatable)")
	return cmd
}

func connectionsEditRun(ctx context.Context, opts *ConnectionsEditOptions) error {
	f := opts.F
	svc, err := f.Service(ctx)
	if err != nil {
		return err
	}
	defer svc.Store.Close()
	c, err := svc.Store.Get(ctx, opts.Name)
	if err != nil {
		return err
	}
	if err := svc.CheckKeys(ctx, c.ID); err != nil {
		return err
	}
	inst, err := f.StartPlugin(ctx, c.Type)
	if err != nil {
		return err
	}
	defer inst.Close()
	cfg, err := connections.Collect(inst.Spec, c.Values, opts.in, f.Getenv)
	if err != nil {
		return err
	}
	// Secrets not given now must be entered again: the saved ones are
	// never reused by an edit.
	var reenter []schema.Field
	for _, fd := range inst.Spec.Fields {
		if fd.Secret && !cfg.Has(fd.Key) && fd.Required {
			reenter = append(reenter, fd)
		}
	}
	if len(reenter) > 0 && !f.IO.IsStdinTTY() {
		fmt.Fprintln(f.IO.ErrOut, "Every secret must be entered again when a connection is edited.")
	}
	if err := promptMissing(f.IO, inst.Spec, cfg, reenter); err != nil {
		return err
	}
	test, err := checkAndTest(ctx, f, inst, cfg, opts.noTest)
	if err != nil {
		return err
	}
	if err := svc.Update(ctx, inst.Spec, c, cfg, test); err != nil {
		return err
	}
	fmt.Fprintf(f.IO.ErrOut, "Saved connection %q.\n", c.Name)
	return nil
}
