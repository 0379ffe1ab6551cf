package cli

import (
	"strings"
	"testing"
)

// The help of the commands that take settings documents the secrets
// file's format: .env quotes, export, LIST.NAME, unknown keys refused.
func TestSecretsFileFormatInHelp(t *testing.T) {
	c := newCLI(t, false)
	for _, cmd := range []string{"create", "edit"} {
		r := c.mustRun("connections", cmd, "--help")
		for _, want := range []string{
			"A secrets file holds KEY=VALUE lines, as a .env file does",
			`a line may start with "export "`,
			"value in matching single or double quotes loses them",
			"a key/value list's entry as\nLIST.NAME; any other key is refused, naming it and the keys there are",
			"read settings from FILE: KEY=VALUE lines, quoted as in a .env file or not, or a JSON object",
		} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("connections %s --help lacks %q", cmd, want)
			}
		}
	}
}
