package flows

import (
	"errors"
	"fmt"
	"net/url"

	"github.com/openintegrator/integrator/shared"
)

// MaxURLBytes bounds the path and query string of a request the import
// sends. Web servers refuse long request lines (8 KiB is a common limit,
// Go's 1 MiB of headers another), and one that is still sending a request
// line of megabytes when the server gives up sees the connection reset,
// which for a create means an unknown outcome. Records that need more
// send their fields in the body (--as form or --as json).
const MaxURLBytes = 64 << 10

// Codes for records refused before sending.
const CodeTooLarge = "too_large" // the record, or its request, is over a limit; nothing was sent

// tooLargeError is a request over a limit.
type tooLargeError struct{ msg string }

func (e *tooLargeError) Error() string { return e.msg }

// checkRequestSize refuses a request over MaxURLBytes or the contract's
// body limit.
func checkRequestSize(req shared.Request) error {
	n := len(req.URL)
	for _, p := range req.Query {
		n += len(url.QueryEscape(p.Key)) + len(url.QueryEscape(p.Value)) + 2
	}
	if n > MaxURLBytes {
		return &tooLargeError{fmt.Sprintf("its path and query string would be %s, more than the %s a URL may be here; it was not sent: send its fields in the body with ⟪as⟫ form or ⟪as⟫ json",
			approxSize(int64(n)), approxSize(MaxURLBytes))}
	}
	if len(req.Body) > shared.MaxRequestBody {
		return &tooLargeError{fmt.Sprintf("its body would be %s, more than the %s a request body may be; it was not sent", approxSize(int64(len(req.Body))), approxSize(shared.MaxRequestBody))}
	}
	return nil
}

// codeOf is the result code of a record refused before sending.
func codeOf(err error) string {
	var tl *tooLargeError
	if errors.As(err, &tl) {
		return CodeTooLarge
	}
	return CodeInvalidRecord
}

// opSize is the size of a batch operation's params.
func opSize(fs []field) int {
	n := 40 // {"operation_type":"Create","params":}
	for _, f := range fs {
		n += len(f.key) + len(f.raw) + 4
	}
	return n
}

// approxSize writes a byte count for people, rounded: 512 B, 64 KiB,
// 1.5 MiB (FormatSize writes it exactly, as a flag takes it).
func approxSize(n int64) string {
	switch {
	case n < 1<<10:
		return fmt.Sprintf("%d B", n)
	case n < 1<<20:
		return trimZero(float64(n)/(1<<10)) + " KiB"
	case n < 1<<30:
		return trimZero(float64(n)/(1<<20)) + " MiB"
	}
	return trimZero(float64(n)/(1<<30)) + " GiB"
}

func trimZero(f float64) string {
	s := fmt.Sprintf("%.1f", f)
	if len(s) > 2 && s[len(s)-2:] == ".0" {
		s = s[:len(s)-2]
	}
	return s
}
