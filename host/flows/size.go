package flows

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// sizeUnits are the units ParseSize reads, largest first.
var sizeUnits = []struct {
	name   string
	n      int64
	binary bool
}{
	{"TiB", 1 << 40, true}, {"TB", 1e12, false},
	{"GiB", 1 << 30, true}, {"GB", 1e9, false},
	{"MiB", 1 << 20, true}, {"MB", 1e6, false},
	{"KiB", 1 << 10, true}, {"KB", 1e3, false},
	{"B", 1, false},
}

// ParseSize reads a byte count: a number with an optional unit, B, KB,
// MB, GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024), in
// any case: 67108864, 64MiB, 128MB, 1.5GiB. It must be at least 1 byte.
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	num, mult := t, int64(1)
	for _, u := range sizeUnits {
		if len(t) > len(u.name) && strings.EqualFold(t[len(t)-len(u.name):], u.name) {
			num, mult = strings.TrimSpace(t[:len(t)-len(u.name)]), u.n
			break
		}
	}
	bad := fmt.Errorf("%q is not a size: write a number of bytes, or one with a unit such as 64MiB, 128MB or 1GiB", s)
	if num == "" || strings.ContainsAny(num, "eEpPxX+-_") { // plain decimals only
		return 0, bad
	}
	if n, err := strconv.ParseInt(num, 10, 64); err == nil {
		if n > math.MaxInt64/mult {
			return 0, fmt.Errorf("%q is too large", s)
		}
		n *= mult
		if n < 1 {
			return 0, errors.New("a size must be at least 1 byte")
		}
		return n, nil
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, bad
	}
	v := f * float64(mult)
	if v >= math.MaxInt64 {
		return 0, fmt.Errorf("%q is too large", s)
	}
	if v < 1 {
		return 0, errors.New("a size must be at least 1 byte")
	}
	return int64(v), nil
}

// FormatSize writes a byte count with the largest binary unit that
// divides it (64MiB, 1536KiB, 100B), a form ParseSize reads back.
func FormatSize(n int64) string {
	for _, u := range sizeUnits {
		if u.binary && n >= u.n && n%u.n == 0 {
			return fmt.Sprintf("%d%s", n/u.n, u.name)
		}
	}
	return fmt.Sprintf("%dB", n)
}
