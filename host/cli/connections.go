package cli

import (
	"github.com/spf13/cobra"

	"github.com/openintegrator/integrator/host/app"
)

const secretsHelp = `Secrets never come from the command line. Give them with
--secret-env KEY=ENVVAR (read from an environment variable), with
--secrets-file FILE (KEY=VALUE lines or a JSON object), or leave them out to
be prompted without echo when standard input is a terminal.

Secret settings are sealed with AES-256-GCM under the master key before they
are stored, and are never shown again. The master key is read from
INTEGRATOR_MASTER_KEY (base64 of 32 bytes) or else from
$INTEGRATOR_HOME/master.key, created with mode 0600 on first use.`

func newConnectionsCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "connections",
		Aliases: []string{"connection", "conn"},
		Short:   "Create, test, edit and delete connections",
		Long:    "A connection is a named set of settings for a connector type.\n\n" + secretsHelp,
	}
	cmd.AddCommand(newConnectionsCreateCmd(f), newConnectionsEditCmd(f), newConnectionsListCmd(f),
		newConnectionsShowCmd(f), newConnectionsDeleteCmd(f), newConnectionsTestCmd(f))
	return cmd
}

func addInputFlags(cmd *cobra.Command, o *inputFlags) {
	cmd.Flags().StringArrayVar(&o.in.Set, "set", nil, "set a non-secret setting, `KEY=VALUE` (repeatable)")
	cmd.Flags().StringArrayVar(&o.in.SecretEnv, "secret-env", nil, "read a setting from an environment variable, `KEY=ENVVAR` (repeatable)")
	cmd.Flags().StringVar(&o.in.SecretsFile, "secrets-file", "", "read settings from `FILE`: KEY=VALUE lines or a JSON object")
	cmd.Flags().BoolVar(&o.noTest, "no-test", false, "save without testing the connection against the API")
}

// inputFlags are the flags that give a connection's settings.
type inputFlags struct {
	in     app.Settings
	noTest bool
}
