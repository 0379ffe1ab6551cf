//go:build unix && !linux

package shared

import (
	"os"
	"syscall"
)

// endTreeOnStop does nothing outside Linux: a plugin cannot list its
// processes there, and ending its group would end the plugin too.
func endTreeOnStop() {}

// endTree kills the process group this process leads, this process
// included: outside Linux there is no list of processes to spare it.
func endTree(group bool) {
	if group && syscall.Getpgrp() == os.Getpid() {
		_ = syscall.Kill(-os.Getpid(), syscall.SIGKILL)
	}
}
