package cli

import (
	"fmt"
	"strings"

	"github.com/openintegrator/integrator/shared"
)

// parseHeader reads the n-th (from 1) -H argument, 'Name: value', and
// checks it before anything starts: a control character in a value
// (other than tab) cannot be sent, and would otherwise fail only once the
// request is out. Messages name the header but never repeat its value or
// an argument without a colon: either may be a credential
// (-H 'X-Api-Key: ...').
func parseHeader(n int, arg string) (shared.Header, error) {
	name, value, ok := strings.Cut(arg, ":")
	name, value = strings.TrimSpace(name), strings.TrimSpace(value)
	if !ok || name == "" {
		return shared.Header{}, fmt.Errorf("-H number %d: write it as 'Name: value' (the argument is not repeated here, in case it holds a credential)", n)
	}
	if !shared.HeaderNameValid(name) {
		return shared.Header{}, fmt.Errorf("-H number %d: the header name is not valid; a name is letters, digits and !#$%%&'*+-.^_`|~", n)
	}
	if i, c, bad := shared.HeaderValueControl(value); bad {
		return shared.Header{}, fmt.Errorf("-H %s: the value has a control character (%#02x) at byte %d; header values cannot hold control characters other than tab "+
			"(the value is not shown, in case it is a credential)", name, c, i+1)
	}
	return shared.Header{Name: name, Value: value}, nil
}
