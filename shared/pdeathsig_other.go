//go:build !linux

package shared

import "os/exec"

// setParentDeathSignal does nothing outside Linux: there the plugin's own
// parent watch (see Serve) ends an orphaned plugin.
func setParentDeathSignal(*exec.Cmd) {}
