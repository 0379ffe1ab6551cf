package cli

import (
	"github.com/spf13/cobra"

	"github.com/openintegrator/integrator/host/app"
)

// NewRootCmd returns the integrator command with all its subcommands.
func NewRootCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "integrator",
		Short: "Move data between APIs through connector plugins",
		Long: `integrator is a host for connector plugins. Each connector is a separate
program named integrator-connector-<type>, found in these folders, first
match wins:

  each --plugin-dir, in the order given
  $INTEGRATOR_HOME/plugins  (INTEGRATOR_HOME defaults to $XDG_DATA_HOME/integrator,
                             else ~/.local/share/integrator)
  the plugins folder beside the integrator binary

Plugins run as child processes over gRPC with mutual TLS; they receive only
the environment they need (proxy and TLS root settings, TMPDIR, the log
level). They run with GOMAXPROCS=1; INTEGRATOR_PLUGIN_GOMAXPROCS=N changes it.`,
		Version:       versionLine(),
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if !cmd.Flags().Changed("log-level") {
				if env := f.Getenv("INTEGRATOR_LOG_LEVEL"); env != "" {
					f.LogLevel = env
				}
			}
			if err := checkLogLevel(f.LogLevel); err != nil {
				return err
			}
			if err := app.CheckNoPassword("--store", f.Store); err != nil {
				return err
			}
			return checkPluginProcs(f.Getenv(app.PluginProcsEnv))
		},
	}
	cmd.SetOut(f.IO.Out)
	cmd.SetErr(f.IO.ErrOut)
	cmd.SetVersionTemplate("{{.Version}}\n")
	cmd.SetFlagErrorFunc(flagError)
	cmd.PersistentFlags().StringArrayVar(&f.PluginDirs, "plugin-dir", nil,
		"search `DIR` for plugins before the default folders (repeatable)")
	cmd.PersistentFlags().StringVar(&f.LogLevel, "log-level", DefaultLogLevel,
		"log to stderr at `LEVEL`: trace, debug, info, warn, error or off; plugin logs follow it (env INTEGRATOR_LOG_LEVEL)")
	cmd.PersistentFlags().StringVar(&f.Store, "store", "",
		"keep connections, checkpoints and ledgers in the PostgreSQL database at `URL` (postgres://USER@HOST/DB; env INTEGRATOR_STORE); default: SQLite in $INTEGRATOR_HOME")
	cmd.AddCommand(newConnectorsCmd(f), newPluginsCmd(f), newConnectionsCmd(f), newAPICmd(f), newKeysCmd(f), newStoreCmd(f), newConsoleCmd(f), newWorkerCmd(f), newRunsCmd(f))
	cmd.AddCommand(flowCommands(f)...)
	cmd.AddCommand(newVersionCmd(f))
	cmd.InitDefaultCompletionCmd()
	guardGroups(cmd)
	registerCompletions(cmd, f)
	wordErrors(cmd, f)
	return cmd
}
