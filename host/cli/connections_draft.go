package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/openintegrator/integrator/host/app"
	"github.com/openintegrator/integrator/host/iostreams"
	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// completeAndSave asks for the settings the draft lacks, validates and
// (unless noTest) tests them, printing what the plugin says, and saves the
// connection when both pass. It returns the name saved.
func completeAndSave(ctx context.Context, f *Factory, d *app.Draft, noTest bool) (string, error) {
	if err := promptMissing(f.IO, d); err != nil {
		return "", err
	}
	if err := validateAndTest(ctx, f, d, noTest); err != nil {
		return "", err
	}
	return d.Save(ctx)
}

// promptMissing asks for every setting the draft still lacks (on edit,
// every secret not given again) when stdin is a terminal; otherwise it
// fails listing every one of them.
func promptMissing(io *iostreams.IOStreams, d *app.Draft) error {
	need := d.Missing()
	if len(need) == 0 {
		return nil
	}
	if !io.IsStdinTTY() {
		var lines []string
		for _, f := range need {
			lines = append(lines, fmt.Sprintf("  %s (%s): give it with %s", f.Key, f.Label, howToGive(f)))
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
			if err := d.Set(fd.Key, text); err != nil {
				fmt.Fprintln(io.ErrOut, err)
				continue
			}
			break
		}
	}
	return nil
}

// howToGive says how a missing setting can be given without a prompt.
func howToGive(f schema.Field) string {
	if f.Secret {
		return fmt.Sprintf("--secret-env %s=ENVVAR or --secrets-file FILE", f.Key)
	}
	return fmt.Sprintf("--set %s=VALUE", f.Key)
}

// validateAndTest has the plugin validate the draft's settings, then test
// them unless noTest. It prints the diagnostics and the test's result, and
// fails when either does not pass.
func validateAndTest(ctx context.Context, f *Factory, d *app.Draft, noTest bool) error {
	ds, err := d.Validate(ctx)
	var invalid *app.ValidationError
	if err != nil && !errors.As(err, &invalid) {
		return err
	}
	printDiagnostics(f.IO.ErrOut, ds)
	if invalid != nil {
		fmt.Fprintln(f.IO.ErrOut, "Nothing was saved: fix the settings above and run the command again.")
		return exit1
	}
	if noTest {
		return nil
	}
	res, err := d.Test(ctx)
	var failed *app.TestFailedError
	if err != nil && !errors.As(err, &failed) {
		return err
	}
	printPing(f, res)
	if failed != nil {
		fmt.Fprintln(f.IO.ErrOut, "Nothing was saved: the connection test failed (use --no-test to save without testing).")
		return exit1
	}
	return nil
}

// printPing writes a connection test's diagnostics, outcome and facts.
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
