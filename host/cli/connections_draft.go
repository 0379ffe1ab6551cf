package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/openintegrator/integrator/host/app"
	"github.com/openintegrator/integrator/host/iostreams"
	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// completeAndSave asks for the settings the draft lacks (and, with offer,
// offers the optional ones once a prompt was needed), validates and
// (unless noTest) tests them, printing what the plugin says, and saves the
// connection when both pass. It returns the name saved.
func completeAndSave(ctx context.Context, f *Factory, d *app.Draft, noTest, offer bool) (string, error) {
	if err := promptMissing(ctx, f.IO, d, offer); err != nil {
		return "", err
	}
	if err := validateAndTest(ctx, f, d, noTest); err != nil {
		return "", err
	}
	return d.Save(ctx)
}

// asker is what promptMissing needs of a draft (*app.Draft).
type asker interface {
	Spec() schema.Spec
	Missing() []schema.Field
	Optional() []schema.Field
	Set(key, text string) error
	SetFile(key, path string) error
}

// promptMissing asks for every setting the draft still lacks (on edit,
// every secret not given again) when stdin is a terminal; otherwise it
// fails listing every one of them. It asks in schema order and looks at
// what is missing again after each answer, so a setting that applies only
// for some value of another is asked for once that value is known, and
// never otherwise. With offer, it then offers the optional settings not
// given (app.OptionalSettings), each with its default shown: Enter leaves
// it out. Nothing is asked when nothing is missing: a command given every
// required setting never stops to ask.
func promptMissing(ctx context.Context, io *iostreams.IOStreams, d asker, offer bool) error {
	need := d.Missing()
	if len(need) == 0 {
		return nil
	}
	if !io.IsStdinTTY() {
		var lines []string
		for _, f := range need {
			lines = append(lines, fmt.Sprintf("  %s (%s): give it with %s", f.Key, f.Label, howToGive(f)))
		}
		if deps := dependents(d.Spec(), need); len(deps) > 0 {
			lines = append(lines, fmt.Sprintf("  (once given, %s may need more settings: see 'integrator connectors show %s')",
				strings.Join(deps, " and "), d.Spec().Type))
		}
		return fmt.Errorf("missing settings, and standard input is not a terminal to ask for them:\n%s", strings.Join(lines, "\n"))
	}
	asked := map[string]bool{}
	offered := false
	for {
		fd, optional := nextPrompt(d, asked, offer)
		if fd.Key == "" {
			return nil
		}
		if optional && !offered {
			offered = true
			fmt.Fprintln(io.ErrOut, "\nOptional settings: press Enter to leave one out (its default, if shown, applies).")
		}
		asked[fd.Key] = true
		if err := promptOne(ctx, io, d, fd, optional); err != nil {
			return err
		}
	}
}

// nextPrompt returns the first setting not asked yet that is missing,
// else (with offer) the first optional one, and whether it is optional;
// a zero Field when there is none.
func nextPrompt(d asker, asked map[string]bool, offer bool) (schema.Field, bool) {
	for _, f := range d.Missing() {
		if !asked[f.Key] {
			return f, false
		}
	}
	if offer {
		for _, f := range d.Optional() {
			if !asked[f.Key] {
				return f, true
			}
		}
	}
	return schema.Field{}, false
}

// dependents lists the keys among need that a condition of another field
// names.
func dependents(spec schema.Spec, need []schema.Field) []string {
	var out []string
	for _, f := range need {
		for _, other := range spec.Fields {
			if other.ShowWhen != nil && other.ShowWhen.Field == f.Key {
				out = append(out, f.Key)
				break
			}
		}
	}
	return out
}

// promptOne asks for one setting until it is given a value the draft
// takes. A multi-line secret (a PEM key) is read from a file whose path is
// asked for: pasting it into a terminal without echo is error-prone. Other
// multi-line text and key/value lists are read line by line up to an
// empty line. An optional setting answered with nothing is left out.
func promptOne(ctx context.Context, io *iostreams.IOStreams, d asker, fd schema.Field, optional bool) error {
	fmt.Fprintf(io.ErrOut, "\n%s\n", strings.Join(wrap(fd.Help, 76), "\n"))
	for {
		var text string
		var err error
		switch {
		case fd.Kind == schema.KindText && fd.Secret:
			label := fd.Label + " (the path of a file that holds it): "
			if optional {
				label = fd.Label + " (the path of a file that holds it, optional): "
			}
			text, err = io.Prompt(ctx, label, false)
		case fd.Kind == schema.KindText || fd.Kind == schema.KindKeyValues:
			text, err = promptLines(ctx, io, fd)
		default:
			text, err = io.Prompt(ctx, promptLabel(fd, optional), fd.Secret)
		}
		if err != nil {
			return fmt.Errorf("reading %s: %w", fd.Key, err)
		}
		switch {
		case text == "" && optional:
			return nil
		case text == "" && fd.Required:
			fmt.Fprintf(io.ErrOut, "%s is required.\n", fd.Label)
			continue
		}
		if problem := outOfBounds(fd, text); problem != "" {
			fmt.Fprintln(io.ErrOut, problem)
			continue
		}
		if fd.Kind == schema.KindText && fd.Secret {
			err = d.SetFile(fd.Key, text)
		} else {
			err = d.Set(fd.Key, text)
		}
		if err != nil {
			fmt.Fprintln(io.ErrOut, err)
			continue
		}
		return nil
	}
}

// outOfBounds says why an answer is not one of an enum's options or is
// outside an int's range, so that it is asked again at once: settings
// that apply only for some values of this one are asked for next. It
// never repeats a secret's answer.
func outOfBounds(fd schema.Field, text string) string {
	v, err := schema.ParseValue(fd, text)
	if err != nil || text == "" {
		return ""
	}
	if fd.Kind == schema.KindEnum && !slices.Contains(fd.Options, text) {
		return "Choose one of: " + strings.Join(fd.Options, ", ") + "."
	}
	if i, ok := v.IntVal(); ok && ((fd.Min != nil && i < *fd.Min) || (fd.Max != nil && i > *fd.Max)) {
		return "Use a whole number, " + fd.RangeText() + "."
	}
	return ""
}

// promptLabel is the prompt of a one-line setting: its label, then its
// options or range, for an optional one its default (or "optional"), and
// (input hidden) for a secret.
func promptLabel(fd schema.Field, optional bool) string {
	label := fd.Label
	switch {
	case len(fd.Options) > 0:
		label += " [" + strings.Join(fd.Options, "|") + "]"
	case fd.Kind == schema.KindBool:
		label += " [true|false]"
	case fd.RangeText() != "":
		label += " (" + fd.RangeText() + ")"
	}
	switch {
	case optional && fd.Default != "":
		label += " (default " + fd.Default + ")"
	case optional:
		label += " (optional)"
	}
	if fd.Secret {
		label += " (input hidden)"
	}
	return label + ": "
}

// promptLines reads lines up to an empty one and returns them joined with
// line breaks: a multi-line text, or a key/value list's NAME=VALUE
// entries (plain ones; a secret entry is given with a flag).
func promptLines(ctx context.Context, io *iostreams.IOStreams, fd schema.Field) (string, error) {
	what := "type or paste it"
	if fd.Kind == schema.KindKeyValues {
		what = "one NAME=VALUE entry a line; give a secret value with --secret-env " + schema.EntryKey(fd.Key, "NAME") + "=ENVVAR instead"
	}
	fmt.Fprintf(io.ErrOut, "%s (%s, then an empty line):\n", fd.Label, what)
	var lines []string
	for {
		line, err := io.Prompt(ctx, "", false)
		if err != nil {
			return "", err
		}
		if line == "" {
			return strings.Join(lines, "\n"), nil
		}
		lines = append(lines, line)
	}
}

// howToGive says how a missing setting can be given without a prompt.
func howToGive(f schema.Field) string {
	switch {
	case f.Secret && f.Kind == schema.KindText:
		return fmt.Sprintf("--secret-file %s=FILE, --secret-env %s=ENVVAR or --secrets-file FILE", f.Key, f.Key)
	case f.Secret:
		return fmt.Sprintf("--secret-env %s=ENVVAR or --secrets-file FILE", f.Key)
	case f.Kind == schema.KindKeyValues:
		return fmt.Sprintf("--set %s=VALUE (or --secret-env %s=ENVVAR for a secret value), once per entry",
			schema.EntryKey(f.Key, "NAME"), schema.EntryKey(f.Key, "NAME"))
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
func printPing(f *Factory, res shared.PingResult) { writePing(f.IO.ErrOut, res) }

// writePing writes a connection test's result: its diagnostics, then
// "Connection test: ok (latency 6.6ms)" and the plugin's facts. The
// latency is shown once: the result's, else the plugin's latency fact,
// which is then not listed again.
func writePing(w io.Writer, res shared.PingResult) {
	printDiagnostics(w, res.Diagnostics)
	status := "failed"
	if res.OK {
		status = "ok"
	}
	latency := ""
	if res.Latency > 0 {
		latency = res.Latency.Round(time.Millisecond / 10).String()
	}
	var facts []shared.Fact
	for _, fact := range res.Facts {
		if fact.Key == "latency" {
			if latency == "" {
				latency = fact.Value
			}
			continue
		}
		facts = append(facts, fact)
	}
	if latency != "" {
		status += " (latency " + latency + ")"
	}
	fmt.Fprintf(w, "Connection test: %s\n", status)
	for _, fact := range facts {
		fmt.Fprintf(w, "  %s: %s\n", fact.Key, fact.Value)
	}
}
