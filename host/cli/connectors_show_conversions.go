package cli

import (
	"fmt"
	"io"

	"github.com/openintegrator/integrator/schema"
)

// printConversions lists the conversions a schema declares: for each, the
// command that makes it, where each setting of the target comes from (a
// setting of this type, a value, or a template of this type's values),
// and the notes on what the converted connection does differently.
func printConversions(w io.Writer, s schema.Spec) {
	for _, c := range s.Conversions {
		fmt.Fprintf(w, "\nConverts to %s (integrator connections convert NAME --to %s):\n", c.To, c.To)
		tw := newTable(w)
		for _, m := range c.Settings {
			switch {
			case m.From != "":
				fmt.Fprintf(tw, "  %s\tfrom %s\n", m.Key, m.From)
			case m.Template != "":
				fmt.Fprintf(tw, "  %s\ttemplate %s\n", m.Key, m.Template)
			default:
				fmt.Fprintf(tw, "  %s\tvalue %s\n", m.Key, m.Value)
			}
		}
		_ = tw.Flush()
		for _, n := range c.Notes {
			for i, line := range wrap(n, 70) {
				if i == 0 {
					fmt.Fprintf(w, "  Note: %s\n", line)
				} else {
					fmt.Fprintf(w, "        %s\n", line)
				}
			}
		}
	}
}
