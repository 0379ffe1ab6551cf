//go:build unix

package plugins

import (
	"os"
	"syscall"
)

// ownedByUser reports whether the file belongs to the user this process
// runs as.
func ownedByUser(info os.FileInfo) bool {
	st, ok := info.Sys().(*syscall.Stat_t)
	return ok && int(st.Uid) == os.Geteuid()
}
