package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/openintegrator/integrator/host/app"
)

// ConnectionsCreateOptions are the inputs of `connections create`.
type ConnectionsCreateOptions struct {
	F          *Factory
	Type, Name string
	inputFlags
}

func newConnectionsCreateCmd(f *Factory) *cobra.Command {
	opts := &ConnectionsCreateOptions{F: f}
	cmd := &cobra.Command{
		Use:   "create --type TYPE --name NAME [--set KEY=VALUE]... [--secret-env KEY=ENVVAR]... [--secret-file KEY=FILE]... [--secrets-file FILE]",
		Short: "Create a connection: validate, test and save it",
		Long: `Create a connection of a connector type. The settings are checked by the
plugin (every problem at once), then tested against the API (unless
--no-test); the connection is saved only when both pass.

Missing required settings are prompted for when standard input is a
terminal, then the optional ones are offered with their defaults shown
(Enter leaves one out): the base URI, for a sandbox or a simulator, needs
no flag. Otherwise every missing setting is listed. A command given every
required setting never stops to ask. 'integrator connectors show TYPE'
lists the settings.

` + secretsHelp,
		Example: `  export TW_CONSUMER_SECRET=... TW_ACCESS_TOKEN=... TW_TOKEN_SECRET=...
  integrator connections create --type twitter-ads --name prod \
    --set consumer_key=xvz1evFS4wEEPTGEFPHBog \
    --secret-env consumer_secret=TW_CONSUMER_SECRET \
    --secret-env access_token=TW_ACCESS_TOKEN \
    --secret-env token_secret=TW_TOKEN_SECRET`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return connectionsCreateRun(cmd.Context(), opts) },
	}
	cmd.Flags().StringVar(&opts.Type, "type", "", "the connector `TYPE` (see 'integrator connectors list')")
	cmd.Flags().StringVar(&opts.Name, "name", "", "a unique `NAME` for the connection (case-insensitive)")
	_ = cmd.MarkFlagRequired("type")
	_ = cmd.MarkFlagRequired("name")
	addInputFlags(cmd, &opts.inputFlags)
	return cmd
}

func connectionsCreateRun(ctx context.Context, opts *ConnectionsCreateOptions) error {
	f := opts.F
	d, err := f.App().NewConnection(ctx, app.NewConnection{Type: opts.Type, Name: opts.Name, Settings: opts.in})
	if err != nil {
		return err
	}
	defer d.Close()
	name, err := completeAndSave(ctx, f, d, opts.noTest, true)
	if err != nil {
		return err
	}
	fmt.Fprintf(f.IO.ErrOut, "Saved connection %q (%s).\n", name, d.Spec().Name)
	return nil
}
