package shared

import "testing"

func TestHeaderRules(t *testing.T) {
	for name, want := range map[string]bool{"X-Api-Key": true, "a!#$%&'*+-.^_`|~9": true, "": false, "X Key": false, "X:Key": false, "é": false, "X\r\n": false} {
		if got := HeaderNameValid(name); got != want {
			t.Errorf("HeaderNameValid(%q) = %v", name, got)
		}
	}
	for value, at := range map[string]int{"plain\tvalue": -1, "": -1, "a\x01b": 1, "ab\x7f": 2, "x\r\ny": 1, "é": -1} {
		i, _, bad := HeaderValueControl(value)
		if (at < 0) == bad || (bad && i != at) {
			t.Errorf("HeaderValueControl(%q) = %d %v, want %d", value, i, bad, at)
		}
	}
}
