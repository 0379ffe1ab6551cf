package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/openintegrator/integrator/schema"
)

// ConnectorsShowOptions are the inputs of `connectors show`.
type ConnectorsShowOptions struct {
	F    *Factory
	Type string
	JSON bool
}

func newConnectorsShowCmd(f *Factory) *cobra.Command {
	opts := &ConnectorsShowOptions{F: f}
	cmd := &cobra.Command{
		Use:   "show TYPE",
		Short: "Show a connection type and its settings",
		Long: `Show a connection type and every setting a connection of that type takes:
its key (for --set), label, kind, whether it is required or secret, its
default, range or options, and where to find the value. Settings are
grouped in the plugin's sections, in order (an advanced section is marked
so); a setting that applies only for some values of another says so:
"(when signature_method is RSA-SHA1, RSA-SHA256 or RSA-SHA512)". Such a
setting is required, and asked for, only then. A fixed setting shows the
one value the connector always uses ("fixed HMAC-SHA1"): it is never
asked for, and any other value is refused.

Last come the types a connection of this type can be converted to
('integrator connections convert NAME --to TYPE'), with where each of the
new type's settings comes from and what the converted connection does
differently.

--json prints the schema as data: "sections" (key, title, help, advanced)
when the plugin has any, and for each field its "section", "show_when"
({"field", "values"}), "min"/"max" and "fixed" when it has them;
"conversions" ({"to", "settings": [{"key", and "from", "value" or
"template"}], "notes"}) when it declares any.`,
		Example: "  integrator connectors show twitter-ads\n  integrator connectors show twitter-ads --json",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Type = args[0]
			return connectorsShowRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print a JSON object")
	return cmd
}

func connectorsShowRun(ctx context.Context, opts *ConnectorsShowOptions) error {
	f := opts.F
	c, err := f.App().Connector(ctx, opts.Type)
	if err != nil {
		return err
	}
	if opts.JSON {
		return writeJSON(f.IO.Out, c.SpecJSON())
	}
	return printSpec(f.IO.Out, c.Spec, c.Plugin)
}

// printSpec prints a schema: by section, in order, when it has sections
// (an advanced one marked so), else by view as it always did. Each setting
// shows its key, label and tags (a fixed one its value), the condition
// under which it applies, how a key/value list's entries are given, and
// its help. The conversions the connector declares come last.
func printSpec(w io.Writer, s schema.Spec, path string) error {
	fmt.Fprintf(w, "%s (%s) %s\n%s\nPlugin: %s\n", s.Name, s.Type, s.Version, s.Description, path)
	for _, g := range s.Groups() {
		title := g.Section.Title
		switch {
		case g.View != "":
			title = map[schema.View]string{schema.ViewSimple: "Settings", schema.ViewHTTP: "HTTP settings (advanced)"}[g.View]
		case g.Advanced:
			title += " (advanced)"
		}
		fmt.Fprintf(w, "\n%s:\n", title)
		for _, line := range wrap(g.Section.Help, 74) {
			fmt.Fprintf(w, "  %s\n", line)
		}
		for _, fd := range g.Fields {
			printField(w, fd)
		}
	}
	printConversions(w, s)
	return nil
}

// printField prints one setting: "  key  Label  [tags]", then its
// condition, how to give a list's entries, and its help, indented.
func printField(w io.Writer, fd schema.Field) {
	kind := string(fd.Kind)
	if fd.Kind == schema.KindKeyValues {
		kind = "key/value list"
	}
	tags := []string{kind}
	if r := fd.RangeText(); r != "" {
		tags = append(tags, r)
	}
	if fd.Required {
		tags = append(tags, "required")
	}
	if fd.Secret {
		tags = append(tags, "secret")
	}
	switch {
	case fd.Fixed:
		tags = append(tags, "fixed "+fd.Default) // its only value: no options to choose from
	case fd.Default != "":
		tags = append(tags, "default "+fd.Default)
	}
	if len(fd.Options) > 0 && !fd.Fixed {
		tags = append(tags, "one of "+strings.Join(fd.Options, "|"))
	}
	fmt.Fprintf(w, "  %s  %s  [%s]\n", fd.Key, fd.Label, strings.Join(tags, ", "))
	if c := fd.ShowWhen; c != nil {
		fmt.Fprintf(w, "      (when %s)\n", c)
	}
	if fd.Kind == schema.KindKeyValues {
		entry := schema.EntryKey(fd.Key, "NAME")
		fmt.Fprintf(w, "      (one entry per --set %s=VALUE; a secret value with --secret-env %s=ENVVAR)\n", entry, entry)
	}
	for _, line := range wrap(fd.Help, 72) {
		fmt.Fprintf(w, "      %s\n", line)
	}
}

// wrap breaks text into lines of at most width runes, at spaces.
func wrap(text string, width int) []string {
	var lines []string
	var cur strings.Builder
	for _, word := range strings.Fields(text) {
		if cur.Len() > 0 && cur.Len()+1+len(word) > width {
			lines = append(lines, cur.String())
			cur.Reset()
		}
		if cur.Len() > 0 {
			cur.WriteByte(' ')
		}
		cur.WriteString(word)
	}
	if cur.Len() > 0 {
		lines = append(lines, cur.String())
	}
	return lines
}
