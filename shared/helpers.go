package shared

import (
	"context"
	"io"
	"mime"
	"strings"
	"time"
)

// Small helpers hosts and connectors both need.

// Sleep waits d, or until ctx ends (its error then).
func Sleep(ctx context.Context, d time.Duration) error {
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

// IsJSON reports whether a Content-Type names JSON: application/json, or
// a type with the +json suffix.
func IsJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

// EmptyBody is the body of a response without one.
func EmptyBody() io.ReadCloser { return io.NopCloser(strings.NewReader("")) }
