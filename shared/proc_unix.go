//go:build unix && !linux

package shared

import (
	"os/exec"
	"syscall"
)

// groupWatched is false here: without a way to wait for an exit without
// reaping, the host cannot tell when a plugin's group id stops being its
// own, so it kills only the plugin process; the plugin's Serve ends its
// group when it exits.
const groupWatched = false

// setProcAttrs puts the plugin in a process group of its own. There is no
// parent-death signal outside Linux: the plugin's own parent watch (see
// Serve) ends an orphaned plugin and its group.
func setProcAttrs(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setpgid = true
}

func waitExited(int) bool { return false }

func killGroup(pid int) { _ = syscall.Kill(-pid, syscall.SIGKILL) }
