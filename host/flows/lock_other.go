//go:build !unix

package flows

import "os"

// lockFile does nothing where flock is missing: two runs writing the same
// output at once are not detected there.
func lockFile(*os.File) error { return nil }

// noFollow is not available here: openPart's check with Lstat before
// opening is all there is.
const noFollow = 0
