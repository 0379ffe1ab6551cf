package e2e

import "testing"

// simInfo is the simulator's ready line: its URLs and demo credentials.
type simInfo = simProcess

// launchSimulator starts the X Ads API simulator binary with args until the
// test ends (see runSim).
func launchSimulator(t *testing.T, args ...string) simInfo {
	t.Helper()
	return runSim(t, args...)
}
