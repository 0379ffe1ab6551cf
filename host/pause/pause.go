// Package pause waits for a while unless a context ends first: the one
// sleep of the host's retries, polls and backoffs.
package pause

import (
	"context"
	"time"
)

// For waits d, or until ctx ends, whichever comes first, and returns
// ctx.Err() if ctx ended (also when it had ended before the call). A d of
// zero or less does not wait.
func For(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
