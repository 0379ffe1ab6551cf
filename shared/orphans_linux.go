package shared

import "golang.org/x/sys/unix"

// AdoptOrphans makes the calling host the parent of every process that its
// plugins leave orphaned: on Linux it becomes a child subreaper, so an
// orphan below it (a process a plugin started in a session of its own,
// whose parent ended) is re-parented to it rather than to init. EndOrphans
// then ends them. Call it once, early in main; it reports whether the
// system supports it.
func AdoptOrphans() bool {
	return unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == nil
}

// EndOrphans kills every child process left to the calling host, and the
// orphans those leave in turn, until none is left. Call it last, once every
// plugin was stopped: every child the host has then is a process that a
// plugin started and that outlived it.
func EndOrphans() { endTree(false) }
