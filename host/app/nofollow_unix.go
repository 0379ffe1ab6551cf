//go:build unix

package app

import "syscall"

// noFollow makes opening a run's file fail on a symbolic link.
const noFollow = syscall.O_NOFOLLOW
