//go:build !linux

package plugins

// noexec cannot tell outside Linux: a start from a noexec filesystem fails
// with "permission denied".
func noexec(string) bool { return false }
