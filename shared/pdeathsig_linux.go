package shared

import (
	"os/exec"
	"syscall"
)

// setParentDeathSignal asks Linux to SIGKILL the plugin when the thread that
// started it ends; Start keeps that thread alive while the plugin runs, so in
// effect the plugin dies with the host, even when the host is killed with
// SIGKILL and has no chance to stop it.
func setParentDeathSignal(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
}
