//go:build linux || darwin || dragonfly || freebsd || netbsd || openbsd

package plugins

import (
	"os"
	"syscall"
)

// openDir opens the folder at path, not following a symlink.
func openDir(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_DIRECTORY|syscall.O_NOFOLLOW, 0)
}

// lockOwn takes the lock on a host's folder, without waiting. The lock
// goes with the process: the system releases it when the process ends,
// however it ends.
func lockOwn(f *os.File) bool {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil
}

// lockStale takes the lock on another host's folder when that host is
// gone.
func lockStale(f *os.File) bool { return lockOwn(f) }
