package cli

import "testing"

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"1048576": 1 << 20, "512KiB": 512 << 10, "64MiB": 64 << 20, "2 MB": 2e6, "1GiB": 1 << 30, "10B": 10, "3kB": 3000} {
		if got, err := parseSize("--x", in); err != nil || got != want {
			t.Errorf("%q: %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0", "-1", "1.5MiB", "ten", "1TB", "99999999999GiB"} {
		if _, err := parseSize("--x", in); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
}
