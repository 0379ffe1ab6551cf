package cli

import (
	"fmt"
	"strconv"
	"strings"
)

// parseSize reads a byte size given to flag: a whole number of bytes, or
// one with a unit (KiB, MiB, GiB, or kB, MB, GB; B for bytes).
func parseSize(flag, s string) (int64, error) {
	t := strings.TrimSpace(s)
	units := []struct {
		suffix string
		n      int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"kB", 1e3}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"B", 1}}
	mult := int64(1)
	for _, u := range units {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.n
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n < 1 || n > (1<<50)/mult {
		return 0, fmt.Errorf("%s %q: write a size such as 1048576, 512KiB or 64MiB", flag, s)
	}
	return n * mult, nil
}
