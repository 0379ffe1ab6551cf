//go:build unix

package secrets

import (
	"errors"
	"os"
	"syscall"
)

// openLockFile opens (creating, mode 0600) the lock file, never through a
// symbolic link.
func openLockFile(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDWR|os.O_CREATE|syscall.O_NOFOLLOW, 0o600)
}

// tryLock takes an advisory lock on f without waiting; false means another
// process holds it in a conflicting mode.
func tryLock(f *os.File, mode LockMode) (bool, error) {
	how := syscall.LOCK_SH
	if mode == Exclusive {
		how = syscall.LOCK_EX
	}
	err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return false, nil
	}
	return err == nil, err
}
