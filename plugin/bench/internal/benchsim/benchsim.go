// Package benchsim builds this module's binaries and starts the X Ads API
// simulator for the benchmark programs under plugin/bench. It is for
// benchmarks only.
package benchsim

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"

	"github.com/openintegrator/integrator/plugin/twitteradssim"
)

// Build compiles a main package of this module to path.
func Build(path, pkg string) error {
	cmd := exec.Command("go", "build", "-trimpath", "-o", path, pkg)
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("building %s: %w", pkg, err)
	}
	return nil
}

// NoLimits are the simulator flags that switch its rate limits off.
var NoLimits = []string{"--read-limit", "-1", "--write-limit", "-1", "--no-account-limit", "-1", "--sync-stats-limit", "-1"}

// Start runs the simulator binary at path on a free loopback port with the
// extra flags, and waits for its ready line.
func Start(path string, flags ...string) (*exec.Cmd, twitteradssim.Ready, error) {
	cmd := exec.Command(path, append([]string{"--addr", "127.0.0.1:0"}, flags...)...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, twitteradssim.Ready{}, err
	}
	if err := cmd.Start(); err != nil {
		return nil, twitteradssim.Ready{}, err
	}
	line, err := bufio.NewReader(out).ReadBytes('\n')
	var r twitteradssim.Ready
	if err == nil {
		err = json.Unmarshal(line, &r)
	}
	if err != nil {
		cmd.Process.Kill()
		return nil, twitteradssim.Ready{}, fmt.Errorf("reading the simulator's ready line: %w", err)
	}
	return cmd, r, nil
}
