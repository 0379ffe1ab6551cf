//go:build !unix

package secrets

import "os"

// openLockFile opens (creating) the lock file.
func openLockFile(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
}

// tryLock does nothing where flock is missing: there, two key rotations
// at once are not prevented.
func tryLock(*os.File, LockMode) (bool, error) { return true, nil }
