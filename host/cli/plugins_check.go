package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/openintegrator/integrator/host/app"
)

// PluginsCheckOptions are the inputs of `plugins check`.
type PluginsCheckOptions struct {
	F      *Factory
	Type   string
	Set    []string
	Public []string
	JSON   bool
}

func newPluginsCheckCmd(f *Factory) *cobra.Command {
	opts := &PluginsCheckOptions{F: f}
	cmd := &cobra.Command{
		Use:   "check TYPE",
		Short: "Run the conformance suite on a connector plugin (exit 0 when every check passes, 1 when not)",
		Long: `Run the conformance suite every connector plugin must pass on the trusted
plugin for a connector type, started as a process of its own (logging at
trace level, to a file of the check's own that is scanned, then removed).
It prints one line per check, ok or FAILED with the reason:

  protocol          the handshake's protocol version; GetSchema answers
  spec              a well-formed schema: type, name, description, semantic
                    version, fields with labels and help
  secret-keys       every setting whose key names a credential is secret
  validate-empty    Validate of empty settings reports every required
                    setting at once
  sample-settings   settings for a test API pass Validate
  ping-unreachable  Ping of an API nothing listens for fails with an error
                    diagnostic, before its deadline
  ping-deadline     Ping of an API that never answers ends at its deadline
  foreign-host      DoRequest refuses a host the settings do not name,
                    sending nothing
  no-secret-leak    no secret value in a diagnostic, error, response head
                    or body, or log line

Every call goes to this machine: to a closed port, to servers the check
runs, or to an https name that never resolves. Secret settings get test
values; nothing is stored. Settings come from the schema: each URL setting
points at the test address, each required setting gets a value of its
kind. Give the values it cannot guess with --set, and keys that look like
credentials but are public by design with --public (consumer_key,
public_key, publishable_key and site_key are by default).`,
		Example: "  integrator plugins check twitter-ads\n  integrator plugins check my-api --set account=123 --json",
		Args:    exactArgs("TYPE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Type = args[0]
			return pluginsCheckRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringArrayVar(&opts.Set, "set", nil, "give a setting that is not secret `KEY=VALUE` (repeatable)")
	cmd.Flags().StringArrayVar(&opts.Public, "public", nil, "treat setting `KEY` as public by design, though its name looks like a credential's (repeatable)")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print a JSON object")
	return cmd
}

func pluginsCheckRun(ctx context.Context, opts *PluginsCheckOptions) error {
	f := opts.F
	out, err := f.App().CheckPlugin(ctx, opts.Type, app.CheckInput{Set: opts.Set, Public: opts.Public})
	if err != nil {
		return err
	}
	if opts.JSON {
		out.Checks = orEmpty(out.Checks)
		if err := writeJSON(f.IO.Out, out); err != nil {
			return err
		}
	} else {
		printCheck(f, out)
	}
	if !out.OK {
		return exit1
	}
	return nil
}

func printCheck(f *Factory, out app.CheckResult) {
	w := f.IO.Out
	if out.Version != "" {
		fmt.Fprintf(w, "Checking %s %s (plugin protocol %d): %s\n", out.Type, out.Version, out.Protocol, out.Path)
	} else {
		fmt.Fprintf(w, "Checking %s: %s\n", out.Type, out.Path)
	}
	tw := newTable(w)
	failed := 0
	for _, c := range out.Checks {
		switch {
		case !c.OK:
			failed++
			fmt.Fprintf(tw, "  %s\tFAILED: %s\n", c.Check, c.Reason)
		case c.Note != "":
			fmt.Fprintf(tw, "  %s\tok (%s)\n", c.Check, c.Note)
		default:
			fmt.Fprintf(tw, "  %s\tok\n", c.Check)
		}
	}
	_ = tw.Flush()
	if failed == 0 {
		fmt.Fprintf(w, "%s passes all %d checks.\n", out.Type, len(out.Checks))
		return
	}
	fmt.Fprintf(w, "%s fails %d of %d checks.\n", out.Type, failed, len(out.Checks))
}
