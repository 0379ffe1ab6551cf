package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// exactArgs accepts exactly the arguments named (NAME, PATH, ...); any
// other number is an error that says what was expected and ends with the
// usage line.
func exactArgs(names ...string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) == len(names) {
			return nil
		}
		what := plural(len(names), "argument") + ", " + strings.Join(names, " ")
		got := "none"
		if len(args) > 0 {
			got = fmt.Sprintf("%d (%s)", len(args), quoteAll(args))
		}
		return usageError(cmd, fmt.Sprintf("%s takes %s; got %s", cmd.CommandPath(), what, got))
	}
}

// noArgs accepts no arguments.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	return usageError(cmd, fmt.Sprintf("%s takes no arguments; got %s", cmd.CommandPath(), quoteAll(args)))
}

// usageError is msg followed by the command's usage line.
func usageError(cmd *cobra.Command, msg string) error {
	return fmt.Errorf("%s\nUsage: %s", msg, cmd.UseLine())
}

func quoteAll(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = fmt.Sprintf("%q", a)
	}
	return strings.Join(q, " ")
}

// guardGroups makes every command below cmd that only groups others (such
// as connections) refuse a word that is none of its subcommands, naming
// the nearest ones, where cobra would print the help and succeed. Without
// an argument it still prints its help.
func guardGroups(cmd *cobra.Command) {
	if cmd.HasSubCommands() && cmd.Run == nil && cmd.RunE == nil {
		cmd.SuggestionsMinimumDistance = 2
		cmd.Args = unknownSubcommand
		cmd.RunE = func(cmd *cobra.Command, _ []string) error { return cmd.Help() }
	}
	for _, sub := range cmd.Commands() {
		guardGroups(sub)
	}
}

// unknownSubcommand refuses any argument of a command that only groups
// others: it is a subcommand that does not exist.
func unknownSubcommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		msg += "\n\nDid you mean this?\n\t" + strings.Join(s, "\n\t")
	}
	return fmt.Errorf("%s\n\nRun '%s --help' for its commands.", msg, cmd.CommandPath())
}

// flagError adds the usage line to an error in the flags.
func flagError(cmd *cobra.Command, err error) error {
	return usageError(cmd, err.Error())
}
