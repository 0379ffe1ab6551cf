package flows

import "testing"

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{
		"67108864": 64 << 20, "64MiB": 64 << 20, "64mib": 64 << 20, "128MB": 128e6, "1GiB": 1 << 30, "1.5GiB": 3 << 29,
		"512KiB": 512 << 10, "10kb": 10000, "100B": 100, " 2 GB ": 2e9, "1": 1, "1TiB": 1 << 40,
	} {
		if got, err := ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "MiB", "-1MiB", "0", "0.1B", "1e9", "64 MB B", "lots", "NaN", "Inf", "0x10", "9999999TiB", "1_000"} {
		if got, err := ParseSize(in); err == nil {
			t.Errorf("ParseSize(%q) = %d, no error", in, got)
		}
	}
	for n, want := range map[int64]string{64 << 20: "64MiB", 1536 << 10: "1536KiB", 100: "100B", 1 << 40: "1TiB", 1000: "1000B"} {
		if got := FormatSize(n); got != want {
			t.Errorf("FormatSize(%d) = %q, want %q", n, got, want)
		}
	}
}
