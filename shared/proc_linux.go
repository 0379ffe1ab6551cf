package shared

import (
	"os/exec"
	"syscall"

	"golang.org/x/sys/unix"
)

// groupWatched reports whether waitExited can tell that a process exited
// without reaping it, which makes killing its group after its exit safe.
const groupWatched = true

// setProcAttrs puts the plugin in a process group of its own, so that the
// processes it starts can be ended with it, and asks Linux to SIGKILL the
// plugin when the thread that started it ends; Start keeps that thread
// alive while the plugin runs, so in effect the plugin dies with the host,
// even when the host is killed with SIGKILL and has no chance to stop it.
// (A plugin built on this package turns that signal into SIGTERM, to end
// its own processes first; see guardTree.)
func setProcAttrs(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setpgid = true
	cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
}

// waitExited returns once the child process pid has exited, without
// reaping it: until it is reaped, its pid (and so its process group id)
// cannot be given to another process.
func waitExited(pid int) bool {
	var info unix.Siginfo
	for {
		err := unix.Waitid(unix.P_PID, pid, &info, unix.WEXITED|unix.WNOWAIT, nil)
		if err != unix.EINTR {
			return err == nil
		}
	}
}

// killGroup kills the process group whose leader is pid. The caller makes
// sure the group is ours: its leader is a child that was not reaped yet.
func killGroup(pid int) {
	_ = syscall.Kill(-pid, syscall.SIGKILL)
}
