package cli

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/openintegrator/integrator/host/app"
)

// The core's typed errors read on the command line as they did when the
// CLI made them, naming the commands and flags that fix them.
func TestCommandErrorWording(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.Local)
	other := errors.New("something else")
	for _, tt := range []struct {
		err  error
		want string
	}{
		{&app.NameTakenError{Name: "Prod"}, `a connection with that name already exists: "Prod" (names are case-insensitive; use 'integrator connections edit' to change it)`},
		{&app.UnknownTypeError{Type: "x", Known: []string{"a", "b"}}, `unknown connector type "x"; known types: a, b (see 'integrator connectors list')`},
		{&app.UnknownTypeError{Type: "x", Dirs: []string{"/p", "/q"}}, `unknown connector type "x": no plugins found in /p, /q`},
		{&app.InputError{Field: "name", Problem: "use at most 100 printable characters"}, "--name: use at most 100 printable characters"},
		{&app.UnfinishedWorkError{Name: "Prod", Work: app.Work{Unknown: 2,
			Unfinished: []app.Unfinished{{Kind: "export", OutPath: "/o/c.jsonl", UpdatedAt: at}}}},
			"connection \"Prod\" has unfinished work that deleting it would forget:\n" +
				"  - export to /o/c.jsonl, stopped at 2026-03-01 12:00:00 (/o/c.jsonl.part holds what it saved)\n" +
				"  - 2 imported records whose outcome is unknown\n" +
				"Nothing was deleted: finish or resume it first, or run this with --force to delete the connection anyway"},
		{&app.InUseError{Name: "Prod"}, `connection "Prod": a run started using it just now; nothing was deleted`},
		{&app.NotFoundError{Name: "Prod"}, `no such connection: "Prod" (see 'integrator connections list')`},
		{&similarError{err: &app.NotFoundError{Name: "prd"}, similar: []string{"prod"}}, `no such connection: "prd"; did you mean "prod"? (see 'integrator connections list')`},
		{&similarError{err: &app.UnknownTypeError{Type: "twiter", Known: []string{"http", "twitter-ads"}}, similar: []string{"twitter-ads"}},
			`unknown connector type "twiter"; did you mean "twitter-ads"? (known types: http, twitter-ads; see 'integrator connectors list')`},
		{&similarError{err: fmt.Errorf("export: %w", &app.NotFoundError{Name: "prd"}), similar: []string{"prod", "Prod2", "prod3"}},
			`export: no such connection: "prd"; did you mean "prod", "Prod2" or "prod3"?`},
		{other, "something else"},
	} {
		if got := commandError(tt.err); got.Error() != tt.want {
			t.Errorf("%T:\n got %q\nwant %q", tt.err, got, tt.want)
		}
	}
	if commandError(nil) != nil || commandError(exit1) != exit1 {
		t.Error("nil or an exit status is not passed through")
	}
}
