//go:build unix

package store

import (
	"errors"
	"os"
	"syscall"
)

// noFollow makes opening a lock file fail on a symlink.
const noFollow = syscall.O_NOFOLLOW

// tryLock takes an exclusive lock on f without waiting; the kernel
// releases it when f is closed or the process ends.
func tryLock(f *os.File) error {
	err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return errLocked
	}
	return err
}
