package flows

import (
	"crypto/sha256"
	"errors"
	"fmt"
)

// cursorSet remembers every cursor an export followed in this run, to find
// a cycle of any length (A→B→A) before it loops for ever. It keeps a
// 16-byte hash per page, not the cursors, so a run of a million pages
// holds a few tens of MB at most. Each checkpoint records the hash of the
// cursor it followed, so a resumed run knows every cursor followed before
// it, and a cycle that spans a resume is found as soon as it closes.
type cursorSet map[[16]byte]struct{}

func cursorKey(c string) [16]byte {
	sum := sha256.Sum256([]byte(c))
	return [16]byte(sum[:16])
}

// add notes a cursor that is being followed.
func (s cursorSet) add(c string) { s[cursorKey(c)] = struct{}{} }

// has reports whether c was followed already.
func (s cursorSet) has(c string) bool {
	_, ok := s[cursorKey(c)]
	return ok
}

// errCursorCycle is wrapped by the error of a page whose next cursor
// was followed already in this run.
var errCursorCycle = errors.New("cursor cycle")

// cycleError is the error of page n, whose next cursor was followed
// already: following it would read the same pages again, for ever.
func cycleError(next string, n int64) error {
	if len(next) > 80 {
		next = next[:80] + "..."
	}
	return final(fmt.Errorf("page %s answered next cursor %q, a cursor this export has already followed: a %w, so following it would read the same pages again and never end; that page was not saved",
		count(n), next, errCursorCycle))
}
