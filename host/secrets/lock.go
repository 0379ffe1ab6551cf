package secrets

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/openintegrator/integrator/shared"
)

// LockFileName is the key lock's file inside the home folder. The file is
// never removed: removing a lock file lets two processes lock two files.
const LockFileName = "master.key.lock"

// LockMode says how the key lock is held.
type LockMode int

const (
	// Shared is held while secrets are sealed and written, or opened: any
	// number of processes at once, but never during a key change.
	Shared LockMode = iota + 1
	// Exclusive is held by a key change (keys rotate) from writing the
	// pending key to installing it: one process, and nobody sealing.
	Exclusive
)

// MaxLockWait bounds how long Lock waits for another process.
const MaxLockWait = 2 * time.Minute

// lockPoll is how often Lock tries again while it waits.
const lockPoll = 25 * time.Millisecond

// Lock takes the key lock of the keyring's home folder in mode and returns
// the function that releases it. When another process holds it in a
// conflicting mode, waiting is called once and Lock tries again until the
// lock is free, ctx ends or MaxLockWait passes. The kernel releases the
// lock when the process ends, however it ends, so a killed process never
// leaves it held.
func (kr *Keyring) Lock(ctx context.Context, mode LockMode, waiting func()) (func(), error) {
	if kr.home == "" {
		return func() {}, nil
	}
	if err := os.MkdirAll(kr.home, 0o700); err != nil {
		return nil, fmt.Errorf("creating %s: %w", kr.home, err)
	}
	path := filepath.Join(kr.home, LockFileName)
	f, err := openLockFile(path)
	if err != nil {
		return nil, fmt.Errorf("opening the key lock %s: %w", path, err)
	}
	deadline := time.Now().Add(MaxLockWait)
	for announced := false; ; {
		ok, err := tryLock(f, mode)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("taking the key lock %s: %w", path, err)
		}
		if ok {
			return func() { f.Close() }, nil // closing the file releases the lock
		}
		if !announced && waiting != nil {
			waiting()
			announced = true
		}
		if time.Now().After(deadline) {
			f.Close()
			return nil, fmt.Errorf("another integrator process has held the key lock %s for %s (a key rotation, or a command saving a connection): "+
				"let it finish, then run this command again", path, MaxLockWait)
		}
		if err := shared.Sleep(ctx, lockPoll); err != nil {
			f.Close()
			return nil, err
		}
	}
}
