package cli

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/openintegrator/integrator/host/connections"
	"github.com/openintegrator/integrator/host/iostreams"
	"github.com/openintegrator/integrator/host/plugins"
	"github.com/openintegrator/integrator/host/store"
	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

type inputFlags struct {
	in     connections.Input
	noTest bool
}

// ConnectionsCreateOptions are the inputs of `connections create`.
type ConnectionsCreateOptions struct {
	F          *Factory
	Type, Name string
	inputFlags
}

func newConnectionsCreateCmd(f *Factory) *cobra.Command {
	opts := &ConnectionsCreateOptions{F: f}
	cmd := &cobra.Command{
		Use:   "create --type TYPE --name NAME [--set KEY=VALUE]... [--secret-env KEY=ENVVAR]... [--secrets-file FILE]",
		Short: "Create a connection: validate, test and save it",
		Long: `Create a connection of a connector type. The settings are checked by the
plugin (every problem at once), then tested against the API (unless
--no-test); the connection is saved only when both pass.

Missing required settings are prompted for when standard input is a
terminal; otherwise every missing setting is listed. 'integrator connectors
show TYPE' lists the settings.

` + secretsHelp,
		Example: `  export TW_CONSUMER_SECRET=... TW_ACCESS_TOKEN=... TW_TOKEN_SECRET=...
  integrator connections create --type twitter-ads --name prod \
    --set consumer_key=xvz1evFS4wEEPTGEFPHBog \
    --secret-env consumer_secret=TW_CONSUMER_SECRET \
    --secret-env access_token=TW_ACCESS_TOKEN \
    --secret-env token_secret=TW_TOKEN_SECRET`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return connectionsCreateRun(cmd.Context(), opts) },
	}
	cmd.Flags().StringVar(&opts.Type, "type", "", "the connector `TYPE` (see 'integrator connectors list')")
	cmd.Flags().StringVar(&opts.Name, "name", "", "a unique `NAME` for the connection (case-insensitive)")
	_ = cmd.MarkFlagRequired("type")
	_ = cmd.MarkFlagRequired("name")
	addInputFlags(cmd, &opts.inputFlags)
	return cmd
}

func checkName(name string) error {
	if strings.TrimSpace(name) != name || name == "" {
		return errors.New("--name: a connection name cannot be empty or start or end with spaces")
	}
	if len(name) > 100 || strings.ContainsFunc(name, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		return errors.New("--name: use at most 100 printable characters")
	}
	return nil
}

func connectionsCreateRun(ctx context.Context, opts *ConnectionsCreateOptions) error {
	f := opts.F
	if err := checkName(opts.Name); err != nil {
		return err
	}
	svc, err := f.Service(ctx)
	if err != nil {
		return err
	}
	defer svc.Store.Close()
	if _, err := svc.Store.Get(ctx, opts.Name); err == nil {
		return fmt.Errorf("%w: %q (names are case-insensitive; use 'integrator connections edit' to change it)", store.ErrNameTaken, opts.Name)
	}
	if err := svc.CheckKeys(ctx, ""); err != nil {
		return err
	}
	inst, err := f.StartPlugin(ctx, opts.Type)
	if err != nil {
		return err
	}
	defer inst.Close()
	cfg, err := connections.Collect(inst.Spec, nil, opts.in, f.Getenv)
	if err != nil {
		return err
	}
	if err := promptMissing(f.IO, inst.Spec, cfg, nil); err != nil {
		return err
	}
	test, err := checkAndTest(ctx, f, inst, cfg, opts.noTest)
	if err != nil {
		return err
	}
	c, err := svc.Create(ctx, inst.Spec, opts.Name, cfg, test)
	if err != nil {
		return err
	}
	fmt.Fprintf(f.IO.ErrOut, "Saved connection %q (%s).\n", c.Name, inst.Spec.Name)
	return nil
}

// promptMissing asks for every required field without a value (and, on
// edit, for every secret in reprompt) when stdin is a terminal; otherwise it
// fails listing every one of them.
func promptMissing(io *iostreams.IOStreams, spec schema.Spec, cfg schema.Config, reprompt []schema.Field) error {
	need := connections.Missing(spec, cfg)
	for _, f := range reprompt {
		if !slices.ContainsFunc(need, func(n schema.Field) bool { return n.Key == f.Key }) {
			need = append(need, f)
		}
	}
	if len(need) == 0 {
		return nil
	}
	if !io.IsStdinTTY() {
		var lines []string
		for _, f := range need {
			lines = append(lines, fmt.Sprintf("  %s (%s): give it with %s", f.Key, f.Label, connections.HowToGive(f)))
		}
		return fmt.Errorf("missing settings, and standard input is not a terminal to ask for them:\n%s", strings.Join(lines, "\n"))
	}
	for _, fd := range need {
		fmt.Fprintf(io.ErrOut, "\n%s\n", strings.Join(wrap(fd.Help, 76), "\n"))
		label := fd.Label + ": "
		if fd.Secret {
			label = fd.Label + " (input hidden): "
		}
		for {
			text, err := io.Prompt(label, fd.Secret)
			if err != nil {
				return fmt.Errorf("reading %s: %w", fd.Key, err)
			}
			if text == "" && fd.Required {
				fmt.Fprintf(io.ErrOut, "%s is required.\n", fd.Label)
				continue
			}
			v, err := schema.ParseValue(fd, text)
			if err != nil {
				fmt.Fprintln(io.ErrOut, err)
				continue
			}
			cfg[fd.Key] = v
			break
		}
	}
	return nil
}

// checkAndTest runs the plugin's Validate, then Ping unless noTest. It
// prints the diagnostics and fails when either does not pass.
func checkAndTest(ctx context.Context, f *Factory, inst *plugins.Handle, cfg schema.Config, noTest bool) (*store.TestResult, error) {
	ds, err := inst.Validate(ctx, cfg)
	if err != nil {
		return nil, err
	}
	printDiagnostics(f.IO.ErrOut, ds)
	if ds.HasError() {
		fmt.Fprintln(f.IO.ErrOut, "Nothing was saved: fix the settings above and run the command again.")
		return nil, exit1
	}
	if noTest {
		return nil, nil
	}
	res, err := inst.Ping(ctx, cfg.WithDefaults(inst.Spec))
	if err != nil {
		return nil, err
	}
	printPing(f, res)
	if !res.OK {
		fmt.Fprintln(f.IO.ErrOut, "Nothing was saved: the connection test failed (use --no-test to save without testing).")
		return nil, exit1
	}
	return &store.TestResult{OK: true, At: time.Now(), Note: pingNote(res)}, nil
}

func printPing(f *Factory, res shared.PingResult) {
	printDiagnostics(f.IO.ErrOut, res.Diagnostics)
	status := "failed"
	if res.OK {
		status = "ok"
	}
	fmt.Fprintf(f.IO.ErrOut, "Connection test: %s (%s)\n", status, res.Latency.Round(time.Millisecond))
	for _, fact := range res.Facts {
		fmt.Fprintf(f.IO.ErrOut, "  %s: %s\n", fact.Key, fact.Value)
	}
}

// pingNote is the one line stored with a test result.
func pingNote(res shared.PingResult) string {
	for _, d := range res.Diagnostics {
		return d.Summary
	}
	if res.OK {
		return "ok"
	}
	return "failed"
}
