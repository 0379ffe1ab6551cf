package flows

import (
	"errors"
	"fmt"
	"io"
)

// DefaultMaxPageBytes is the largest list response an export reads when
// it is not told otherwise (Export.MaxPageBytes).
const DefaultMaxPageBytes = 64 << 20

// errPageTooLarge is the error of a page body longer than its limit.
var errPageTooLarge = errors.New("the page is too large")

// pageBody reads a page's body up to a limit and remembers how reading
// ended, so that a failed page can be judged: a body that broke off may
// come whole next time, one that is too large or not a list will not.
type pageBody struct {
	r     io.Reader
	left  int64 // bytes still allowed
	over  bool  // the body is longer than the limit
	broke error // the reader's first error other than io.EOF
}

// Read stops with errPageTooLarge as soon as the body passes its limit:
// at most the limit (and one read's buffer) is ever held.
func (b *pageBody) Read(p []byte) (int, error) {
	if b.over {
		return 0, errPageTooLarge
	}
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.r.Read(p)
	if int64(n) > b.left {
		b.over = true
		return 0, errPageTooLarge
	}
	b.left -= int64(n)
	if err != nil && err != io.EOF && b.broke == nil {
		b.broke = err
	}
	return n, err
}

// tooLarge is the error of a page over limit, naming the flag that
// raises it.
func tooLarge(limit int64) error {
	return fmt.Errorf("the API's answer is larger than %s, the most an export reads as one page: ask for fewer records per page, or raise the limit with ⟪max-page-size⟫ (e.g. ⟪max-page-size⟫ %s); the host holds up to twice the limit in memory",
		FormatSize(limit), FormatSize(2*limit))
}
