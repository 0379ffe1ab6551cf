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
	if !headerToken(name) {
		return shared.Header{}, fmt.Errorf("-H number %d: the header name is not valid; a name is letters, digits and !#$%%&'*+-.^_`|~", n)
	}
	for i := 0; i < len(value); i++ {
		if c := value[i]; (c < 0x20 && c != '\t') || c == 0x7f {
			return shared.Header{}, fmt.Errorf("-H %s: the value has a control character (%#02x) at byte %d; header values cannot hold control characters other than tab "+
				"(the value is not shown, in case it is a credential)", name, c, i+1)
		}
	}
	return shared.Header{Name: name, Value: value}, nil
}

// headerToken reports whether s is an HTTP token (RFC 9110, section 5.6.2),
// as a header name must be.
func headerToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0 {
			continue
		}
		return false
	}
	return true
}
