package cli

import (
	"strings"
	"testing"
)

// connections delete asks for confirmation on a terminal; --yes skips
// it; without a terminal and without --yes it is an error naming --yes
// that deletes nothing.
func TestDeleteConfirmation(t *testing.T) {
	c := newCLI(t, true)
	c.createConnection("prod")
	exists := func() bool { return strings.Contains(c.mustRun("connections", "list").stdout, "prod") }

	r := c.run("connections", "delete", "prod")
	want := `connections delete prod: standard input is not a terminal to confirm the delete; add --yes to delete connection "prod" without being asked`
	if errText(r.err) != want || !exists() {
		t.Fatalf("without a terminal: %q, want %q (and nothing deleted)", errText(r.err), want)
	}

	c.stdinTTY = true
	for _, answer := range []string{"\n", "n\n", "nope\n"} {
		c.stdin = answer
		r = c.run("connections", "delete", "prod")
		if code, ok := IsExitError(r.err); !ok || code != 1 || !strings.Contains(r.stderr, `Delete connection "prod" (twitter-ads) with its sealed secrets, checkpoints and import ledgers? [y/N]: `) ||
			!strings.Contains(r.stderr, "Nothing was deleted.") || !exists() {
			t.Fatalf("answer %q: %v\n%s", answer, r.err, r.stderr)
		}
	}
	c.stdin = "y\n"
	r = c.mustRun("connections", "delete", "prod")
	if !strings.Contains(r.stderr, `Deleted connection "prod".`) || exists() {
		t.Fatalf("answer y:\n%s", r.stderr)
	}

	c.stdinTTY, c.stdin = false, ""
	c.createConnection("prod")
	r = c.mustRun("connections", "delete", "PROD", "--yes")
	if strings.Contains(r.stderr, "[y/N]") || !strings.Contains(r.stderr, `Deleted connection "prod".`) || exists() {
		t.Fatalf("--yes:\n%s", r.stderr)
	}
}
