//go:build !linux

package shared

// AdoptOrphans does nothing outside Linux, which alone has child
// subreapers; it reports false.
func AdoptOrphans() bool { return false }

// EndOrphans does nothing outside Linux: see AdoptOrphans.
func EndOrphans() {}
