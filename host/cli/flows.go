package cli

import "github.com/spf13/cobra"

// flowCommands returns the data-moving commands: export, import, report.
func flowCommands(f *Factory) []*cobra.Command { return nil }
