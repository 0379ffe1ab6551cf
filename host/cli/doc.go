// Package cli is the integrator command line: cobra commands that only wire
// flags, and plain run functions that do the work and are tested without
// cobra (the layout of the GitHub CLI).
//
// Data goes to standard output, everything else (warnings, progress, logs) to
// standard error. No connector's field names appear here: the plugin's schema
// drives everything.
package cli
