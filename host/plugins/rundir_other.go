//go:build !(linux || darwin || dragonfly || freebsd || netbsd || openbsd)

package plugins

import "os"

func openDir(path string) (*os.File, error) { return os.Open(path) }

// lockOwn has no lock to take here: the folder is this host's.
func lockOwn(*os.File) bool { return true }

// lockStale cannot tell a live host's folder from a dead one's here, so
// folders of killed hosts stay.
func lockStale(*os.File) bool { return false }
