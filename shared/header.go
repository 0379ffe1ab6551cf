package shared

import "strings"

// What the contract lets a request header be (RFC 9110). Both sides check
// it: a host before it starts anything, a connector before it sends.

// HeaderNameValid reports whether name is an HTTP token, as a header name
// must be: letters, digits and !#$%&'*+-.^_`|~.
func HeaderNameValid(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0 {
			continue
		}
		return false
	}
	return true
}

// HeaderValueControl finds the first byte a header value may not hold: a
// control character other than horizontal tab, DEL included. It returns
// the byte's index and the byte, or ok false when there is none.
func HeaderValueControl(value string) (i int, c byte, ok bool) {
	for i := 0; i < len(value); i++ {
		if c := value[i]; (c < 0x20 && c != '\t') || c == 0x7f {
			return i, c, true
		}
	}
	return 0, 0, false
}
