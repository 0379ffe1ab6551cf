//go:build !unix

package shared

import "os/exec"

const groupWatched = false

func setProcAttrs(*exec.Cmd) {}

func waitExited(int) bool { return false }

func killGroup(int) {}
