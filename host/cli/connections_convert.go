package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/openintegrator/integrator/host/app"
)

// ConnectionsConvertOptions are the inputs of `connections convert`.
type ConnectionsConvertOptions struct {
	F          *Factory
	Name       string
	To         string
	DryRun     bool
	CancelRuns bool
	JSON       bool
}

func newConnectionsConvertCmd(f *Factory) *cobra.Command {
	opts := &ConnectionsConvertOptions{F: f}
	cmd := &cobra.Command{
		Use:   "convert NAME --to TYPE [--dry-run]",
		Short: "Convert a connection to another connector type, keeping its name, secrets and history",
		Long: `Convert a connection to another connector type, as its connector declares:
'integrator connectors show TYPE' lists the types a connection of TYPE
converts to, where each of the new type's settings comes from, and what
the converted connection does differently.

The connection keeps its name and id, so the checkpoints of its exports
and reports and its import ledger stay with it. Its settings are replaced
by the new type's, made from the saved ones; the new type's other
settings keep their defaults, and saved settings the new type has no
place for are left behind (listed). Secrets are carried over without
being shown or entered again, and sealed anew for their new settings.

The new settings are validated and tested by the new type's plugin;
nothing is changed unless both pass. A connection that a run (export,
import, report) is using is not converted.

Nor is a connection with queued runs (--queue) that have not ended
(queued or running): each is pinned to the connection's type and would
fail when its next job runs. The runs are listed (id, kind, what,
outcome, progress); wait for them ('integrator runs wait ID') or cancel
them ('integrator runs cancel ID') first, or pass --cancel-runs to cancel
them together with the conversion, in its transaction (it names each run
it cancelled). A SQLite store has no queue, so no queued runs.

--dry-run validates the new settings and shows them (secrets as (set))
without testing or saving anything, and names the runs that would make
the conversion refused now.`,
		Example: "  integrator connectors show twitter-ads\n  integrator connections convert Prod --to TYPE --dry-run\n  integrator connections convert Prod --to TYPE",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = args[0]
			return connectionsConvertRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.To, "to", "", "the connector `TYPE` to convert the connection to")
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "validate and show the new settings, but neither test nor save them")
	cmd.Flags().BoolVar(&opts.CancelRuns, "cancel-runs", false, "cancel the connection's queued runs that have not ended, together with the conversion")
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print what was done as a JSON object")
	return cmd
}

// convertedJSON is the --json form of a conversion.
type convertedJSON struct {
	app.Converted
	Secrets  []string `json:"secrets_carried_over"` // by key; their values are never shown
	Warnings []string `json:"warnings"`
	Saved    bool     `json:"saved"`
}

// connectionsConvertRun converts the connection and prints its new
// settings (stdout) and what the plugins said (stderr). A conversion
// whose settings do not validate or whose test fails prints why and exits
// 1, changing nothing.
func connectionsConvertRun(ctx context.Context, opts *ConnectionsConvertOptions) error {
	f := opts.F
	c, err := f.App().ConvertConnection(ctx, app.ConvertConnection{Name: opts.Name, To: opts.To, DryRun: opts.DryRun, CancelRuns: opts.CancelRuns})
	var invalid *app.ValidationError
	var failed *app.TestFailedError
	if err != nil && !errors.As(err, &invalid) && !errors.As(err, &failed) {
		return err
	}
	printDiagnostics(f.IO.ErrOut, c.Diagnostics)
	if invalid != nil {
		fmt.Fprintf(f.IO.ErrOut, "Nothing was changed: %s does not accept the settings made from %q (above).\n", c.To, c.Name)
		return exit1
	}
	if c.Test != nil {
		printPing(f, *c.Test)
	}
	if failed != nil {
		fmt.Fprintf(f.IO.ErrOut, "Nothing was changed: the connection test as %s failed.\n", c.To)
		return exit1
	}
	if opts.JSON {
		out := convertedJSON{Converted: c, Secrets: orEmpty(c.Secrets()), Saved: !c.DryRun}
		out.Settings, out.LeftBehind, out.Notes = orEmpty(c.Settings), orEmpty(c.LeftBehind), orEmpty(c.Notes)
		out.Warnings = []string{}
		for _, d := range c.Diagnostics {
			out.Warnings = append(out.Warnings, d.Error())
		}
		if err := writeJSON(f.IO.Out, out); err != nil {
			return err
		}
	} else {
		printConverted(f.IO.Out, c)
	}
	if c.DryRun {
		printDryRunEnd(f.IO.ErrOut, c)
		return nil
	}
	fmt.Fprintf(f.IO.ErrOut, "Converted connection %q from %s to %s.\n", c.Name, c.From, c.To)
	printCancelled(f.IO.ErrOut, c.Cancelled)
	if forgotten := c.Work.Forgotten(); len(forgotten) > 0 {
		fmt.Fprintf(f.IO.ErrOut, "Its unfinished work stays with it:\n  - %s\n", strings.Join(forgotten, "\n  - "))
	}
	if done := c.Work.Applied; done > 0 {
		fmt.Fprintf(f.IO.ErrOut, "Its import ledger stays with it: the %s applied are not sent again by the same import.\n", plural(int(done), "record"))
	}
	return nil
}

// printConverted writes the converted connection's settings, each secret
// as (set) and each carried over with its source, then the secrets
// carried over, the settings left behind, and the notes.
func printConverted(w io.Writer, c app.Converted) {
	fmt.Fprintf(w, "Settings of %q as %s:\n", c.Name, c.To)
	tw := newTable(w)
	for _, s := range c.Settings {
		if s.From != "" && s.From != s.Key {
			fmt.Fprintf(tw, "  %s\t%s\t(from %s)\n", s.Key, s.Value, s.From)
			continue
		}
		fmt.Fprintf(tw, "  %s\t%s\n", s.Key, s.Value)
	}
	_ = tw.Flush()
	if secrets := c.Secrets(); len(secrets) > 0 {
		fmt.Fprintf(w, "Secrets carried over, never shown: %s\n", strings.Join(secrets, ", "))
	}
	if len(c.LeftBehind) > 0 {
		fmt.Fprintf(w, "Left behind (%s has no such setting): %s\n", c.To, strings.Join(c.LeftBehind, ", "))
	}
	if len(c.Notes) > 0 {
		fmt.Fprintf(w, "What changes:\n")
		for _, n := range c.Notes {
			for i, line := range wrap(n, 74) {
				if i == 0 {
					fmt.Fprintf(w, "  - %s\n", line)
				} else {
					fmt.Fprintf(w, "    %s\n", line)
				}
			}
		}
	}
}

// printDryRunEnd says that a dry run changed nothing and what converting
// for real would do: test, then save; or, while runs use the connection,
// refuse until they end.
func printDryRunEnd(w io.Writer, c app.Converted) {
	fmt.Fprintf(w, "Dry run: connection %q was not changed.", c.Name)
	if len(c.Work.Running) == 0 && len(c.Queued) == 0 {
		fmt.Fprintf(w, " Without --dry-run the settings above are tested, then saved.\n")
		return
	}
	if len(c.Work.Running) > 0 {
		fmt.Fprintf(w, " Without --dry-run it would be refused now: it is in use by %s:\n", plural(len(c.Work.Running), "run"))
		for _, r := range c.Work.Running {
			fmt.Fprintf(w, "  - %s\n", r)
		}
		fmt.Fprintf(w, "Convert it once they have ended.\n")
		return
	}
	fmt.Fprintf(w, " Without --dry-run it would be refused now: queued runs pinned to it have not ended (%d):\n", len(c.Queued))
	for _, r := range c.Queued {
		fmt.Fprintf(w, "  - run %s: %s, %s (%s)\n", r.ID, r.Kind, r.What, r.Outcome)
	}
	fmt.Fprintf(w, "Convert it once they have ended (integrator runs wait ID), cancel them (integrator runs cancel ID), or add --cancel-runs.\n")
}
