package flows

import "time"

// backoff is a growing wait: base, then doubling up to limit.
type backoff struct {
	base, limit time.Duration
}

// after returns the wait before attempt n+1 (n counts from 1).
func (b backoff) after(n int) time.Duration {
	d := b.base
	for i := 1; i < n && d < b.limit; i++ {
		d *= 2
	}
	return min(d, b.limit)
}
