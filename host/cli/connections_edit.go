package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
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
		Use:   "edit NAME [--set KEY=VALUE]... [--unset KEY]... [--secret-env KEY=ENVVAR]... [--secret-file KEY=FILE]... [--secrets-file FILE]",
		Short: "Change a connection's settings; every secret must be entered again",
		Long: `Change a connection's settings. Non-secret settings keep their values unless
changed with --set or removed with --unset. Every secret setting must be
entered again, as when the connection was created: stored secrets are never
shown or reused by an edit.

The new settings are validated and tested (unless --no-test); nothing is
stored unless both pass.

` + secretsHelp,
		Args: exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			return connectionsEditRun(cmd.Context(), opts)
		},
	}
	addInputFlags(cmd, &opts.inputFlags)
	cmd.Flags().StringArrayVar(&opts.in.Unset, "unset", nil, "remove an optional setting, `KEY`, or a list's entry, LIST.NAME (repeatable)")
	return cmd
}

func connectionsEditRun(ctx context.Context, opts *ConnectionsEditOptions) error {
	f := opts.F
	d, err := f.App().EditConnection(ctx, opts.Name, opts.in)
	if err != nil {
		return err
	}
	defer d.Close()
	// Secrets not given now must be entered again: the saved ones are
	// never reused by an edit.
	if d.SecretsToReenter() && !f.IO.IsStdinTTY() {
		fmt.Fprintln(f.IO.ErrOut, "Every secret must be entered again when a connection is edited.")
	}
	name, err := completeAndSave(ctx, f, d, opts.noTest, false)
	if err != nil {
		return err
	}
	fmt.Fprintf(f.IO.ErrOut, "Saved connection %q.\n", name)
	return nil
}
