package app

import (
	"fmt"
	"strconv"
	"strings"
)

// NoConversionError is a conversion the connection's connector does not
// declare. Targets lists the types it converts to.
type NoConversionError struct {
	Name, From, To string
	Targets        []string
}

func (e *NoConversionError) Error() string {
	if len(e.Targets) == 0 {
		return fmt.Sprintf("connection %q cannot be converted to %s: %s connections convert to no other type", e.Name, e.To, e.From)
	}
	return fmt.Sprintf("connection %q cannot be converted to %s: %s connections convert to %s", e.Name, e.To, e.From, strings.Join(e.Targets, ", "))
}

// ConversionError is a conversion the source connector declares that the
// target's plugin cannot take (a setting it does not have, a secret it
// would not keep secret): the two plugins do not fit. It names settings,
// never values.
type ConversionError struct {
	From, To string
	Err      error
}

func (e *ConversionError) Error() string {
	return fmt.Sprintf("the %s plugin's conversion to %s does not fit the %s plugin: %v; nothing was changed", e.From, e.To, e.To, e.Err)
}

func (e *ConversionError) Unwrap() error { return e.Err }

// ChangedError refuses to save a conversion of a connection that another
// command changed (edited, converted) while it was being converted.
type ChangedError struct{ Name string }

func (e *ChangedError) Error() string {
	return fmt.Sprintf("connection %q changed while it was being converted; nothing was changed: convert it again", e.Name)
}

func quote(s string) string { return strconv.Quote(s) }
