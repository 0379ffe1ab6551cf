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
setting is required, and asked for, only then.

--json prints the schema as data: "sections" (key, title, help, advanced)
when the plugin has any, and for each field its "section", "show_when"
({"field", "values"}) and "min"/"max" when it has them.`,
		Example: "  integrator connectors show twitter-ads\n  integrator connectors show twitter-ads --json",
		Args:    exactArgs("TYPE"),
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
// shows its key, label and tags, the condition under which it applies,
// how a key/value list's entries are given, and its help.
func printSpec(w io.Writer, s schema.Spec, path string) error {
	fmt.Fprintf(w, "%s (%s) %s\n%s\nPlugin: %s\n", s.Name, s.Type, s.Version, s.Description, path)
	if len(s.Sections) == 0 {
		for _, view := range []schema.View{schema.ViewSimple, schema.ViewHTTP} {
			title := map[schema.View]string{schema.ViewSimple: "Settings", schema.ViewHTTP: "HTTP settings (advanced)"}[view]
			fmt.Fprintf(w, "\n%s:\n", title)
			for _, fd := range s.Fields {
				if fd.View == view {
					printField(w, fd)
				}
			}
		}
		return nil
	}
	for _, sec := range s.Sections {
		title := sec.Title
		if sec.Advanced {
			title += " (advanced)"
		}
		fmt.Fprintf(w, "\n%s:\n", title)
		for _, line := range wrap(sec.Help, 74) {
			fmt.Fprintf(w, "  %s\n", line)
		}
		for _, fd := range s.Fields {
			if fd.Section == sec.Key {
				printField(w, fd)
			}
		}
	}
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
	if fd.Default != "" {
		tags = append(tags, "default "+fd.Default)
	}
	if len(fd.Options) > 0 {
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
