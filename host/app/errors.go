package app

import (
	"fmt"
	"strings"

	"github.com/openintegrator/integrator/schema"
	"github.com/openintegrator/integrator/shared"
)

// NotFoundError is a connection name that no connection has.
type NotFoundError struct{ Name string }

func (e *NotFoundError) Error() string { return fmt.Sprintf("no such connection: %q", e.Name) }

// NameTakenError is a new connection's name that another connection has
// (names are case-insensitive).
type NameTakenError struct{ Name string }

func (e *NameTakenError) Error() string {
	return fmt.Sprintf("a connection with that name already exists: %q (names are case-insensitive)", e.Name)
}

// UnknownTypeError is a connector type no plugin serves. Known lists the
// types there are (sorted); Dirs the folders searched, when there are
// none.
type UnknownTypeError struct {
	Type  string
	Known []string
	Dirs  []string
}

func (e *UnknownTypeError) Error() string {
	if len(e.Known) == 0 {
		return fmt.Sprintf("unknown connector type %q: no plugins found in %s", e.Type, strings.Join(e.Dirs, ", "))
	}
	return fmt.Sprintf("unknown connector type %q; known types: %s", e.Type, strings.Join(e.Known, ", "))
}

// InputError is an input a use case refuses before it does anything.
// Field names the input as the use case's input names it ("name").
type InputError struct {
	Field   string
	Problem string // what is wrong, and how to put it right
}

func (e *InputError) Error() string { return e.Field + ": " + e.Problem }

// ValidationError is a connection's settings that the plugin found wrong;
// Diagnostics holds every problem, errors and warnings.
type ValidationError struct{ Diagnostics schema.Diagnostics }

func (e *ValidationError) Error() string {
	var problems []string
	for _, d := range e.Diagnostics {
		if d.Severity == schema.SeverityError || d.Severity == "" {
			problems = append(problems, d.Error())
		}
	}
	return "the settings are not valid: " + strings.Join(problems, "; ")
}

// TestFailedError is a connection test that did not pass; Result says
// what the API answered.
type TestFailedError struct{ Result shared.PingResult }

func (e *TestFailedError) Error() string {
	return "the connection test failed: " + testNote(e.Result)
}

// InUseError refuses to delete (or convert) a connection that runs in
// progress are using. Runs is empty when a run started in the moment
// between the check and the delete.
type InUseError struct {
	Name       string
	Runs       []Run
	Converting bool // the refusal is of a conversion, not a delete
}

func (e *InUseError) Error() string {
	done, do := "deleted", "delete"
	if e.Converting {
		done, do = "changed", "convert"
	}
	if len(e.Runs) == 0 {
		return fmt.Sprintf("connection %q: a run started using it just now; nothing was %s", e.Name, done)
	}
	var b strings.Builder
	for _, o := range e.Runs {
		fmt.Fprintf(&b, "\n  - %s", o)
	}
	return fmt.Sprintf("connection %q is in use by %s:%s\nNothing was %s: wait for it to end, or stop it, then %s the connection",
		e.Name, plural(len(e.Runs), "run"), b.String(), done, do)
}

// UnfinishedWorkError refuses to delete, unless forced, a connection
// whose unfinished work deleting it would forget.
type UnfinishedWorkError struct {
	Name string
	Work Work
}

func (e *UnfinishedWorkError) Error() string {
	return fmt.Sprintf("connection %q has unfinished work that deleting it would forget:\n  - %s\nNothing was deleted: finish or resume it first, or delete it with force",
		e.Name, strings.Join(e.Work.Forgotten(), "\n  - "))
}

// plural is "1 noun" or "N nouns".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
