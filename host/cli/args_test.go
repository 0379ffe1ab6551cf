package cli

import (
	"strings"
	"testing"
)

// An unknown command or subcommand is an error naming the nearest
// commands, where cobra printed the help and succeeded; a group alone
// still prints its help. A wrong number of arguments, and a wrong flag,
// end with the usage line.
func TestUnknownCommandsAndWrongArguments(t *testing.T) {
	c := newCLI(t, false)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"conn", "ls"}, "unknown command \"ls\" for \"integrator connections\"\n\nDid you mean this?\n\tlist\n\n" +
			"Run 'integrator connections --help' for its commands."},
		{[]string{"connections", "shw", "prod"}, "unknown command \"shw\" for \"integrator connections\"\n\nDid you mean this?\n\tshow\n"},
		{[]string{"plugins", "nothing"}, "unknown command \"nothing\" for \"integrator plugins\"\n\nRun 'integrator plugins --help' for its commands."},
		{[]string{"exprot"}, "unknown command \"exprot\" for \"integrator\"\n\nDid you mean this?\n\texport\n"},
		{[]string{"completion", "tcsh"}, "unknown command \"tcsh\" for \"integrator completion\""},
		{[]string{"connections", "show"}, "integrator connections show takes 1 argument, NAME; got none\nUsage: integrator connections show NAME [flags]"},
		{[]string{"export", "prod"}, "integrator export takes 2 arguments, NAME PATH; got 1 (\"prod\")\nUsage: integrator export NAME PATH [flags]"},
		{[]string{"connections", "list", "all"}, "integrator connections list takes no arguments; got \"all\"\nUsage: integrator connections list [flags]"},
		{[]string{"connections", "list", "--jsn"}, "unknown flag: --jsn\nUsage: integrator connections list [flags]"},
	} {
		r := c.run(tt.args...)
		if r.err == nil || !strings.HasPrefix(r.err.Error(), tt.want) {
			t.Errorf("%v: err = %q, want it to start with %q", tt.args, errText(r.err), tt.want)
		}
		if r.stdout != "" {
			t.Errorf("%v printed on stdout:\n%s", tt.args, r.stdout)
		}
	}
	for _, args := range [][]string{{"connections"}, {}, {"keys"}} {
		r := c.run(args...)
		if r.err != nil || !strings.Contains(r.stdout, "Available Commands:") {
			t.Errorf("%v: %v, stdout:\n%s", args, r.err, r.stdout)
		}
	}
}
