package cli

import (
	"github.com/spf13/cobra"

	"github.com/openintegrator/integrator/host/app"
)

const secretsHelp = `Secrets never come from the command line. Give them with
--secret-env KEY=ENVVAR (read from an environment variable), with
--secret-file KEY=FILE (the file's whole content, line breaks included, as
a PEM key needs; one final line break is dropped for a one-line setting;
the file must be readable only by you, chmod 600, or be a pipe such as
<(pass show key)), with --secrets-file FILE (below), or leave them out to
be prompted without echo when standard input is a terminal (a multi-line
secret is then read from a file you name).

A secrets file holds KEY=VALUE lines, as a .env file does: blank lines and
lines starting with # are skipped, a line may start with "export ", and a
value in matching single or double quotes loses them (what is inside is
kept as it is); a value without quotes is kept as it is, spaces included.
It may instead hold a JSON object of strings. Each key is a setting of the
connector ('integrator connectors show TYPE'), a key/value list's entry as
LIST.NAME; any other key is refused, naming it and the keys there are:

  # prod.env
  consumer_secret="..."
  export access_token=...
  headers.X-Api-Key='...'

A key/value list setting (such as headers) takes one entry per flag, named
LIST.NAME: --set headers.Accept=application/json gives a plain value, and
--secret-env headers.X-Api-Key=ENVVAR, --secret-file headers.X-Api-Key=FILE
or a secrets file's headers.X-Api-Key a secret one, kept like any secret.
On edit, --unset headers.Accept removes an entry and --unset headers the
whole list.

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
		newConnectionsShowCmd(f), newConnectionsDeleteCmd(f), newConnectionsTestCmd(f), newConnectionsConvertCmd(f))
	return cmd
}

func addInputFlags(cmd *cobra.Command, o *inputFlags) {
	cmd.Flags().StringArrayVar(&o.in.Set, "set", nil, "set a non-secret setting, `KEY=VALUE`, or a list's entry, LIST.NAME=VALUE (repeatable)")
	cmd.Flags().StringArrayVar(&o.in.SecretEnv, "secret-env", nil, "read a setting from an environment variable, `KEY=ENVVAR` (repeatable)")
	cmd.Flags().StringArrayVar(&o.in.SecretFile, "secret-file", nil, "read a setting from a file only you can read, line breaks and all, `KEY=FILE` (repeatable)")
	cmd.Flags().StringVar(&o.in.SecretsFile, "secrets-file", "", "read settings from `FILE`: KEY=VALUE lines, quoted as in a .env file or not, or a JSON object")
	cmd.Flags().BoolVar(&o.noTest, "no-test", false, "save without testing the connection against the API")
}

// inputFlags are the flags that give a connection's settings.
type inputFlags struct {
	in     app.Settings
	noTest bool
}
