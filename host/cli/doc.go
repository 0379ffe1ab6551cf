// Package cli is the integrator command line, one front end of the host
// core (host/app). Each command is an Options struct, a newXCmd that only
// wires flags, and a plain xRun(ctx, opts) that calls the core and renders
// what it returns: tables, --json, the terminal progress renderer
// (progress.go, its bar in progressbar.go), prompts for missing settings.
// The core's typed errors are worded here, naming the commands and flags
// that fix them and, for a name that does not exist, the names it may mean
// (errors.go). The conventions every command shares live beside them: a
// wrong argument count or an unknown subcommand ends with the usage
// (args.go), shell completion from the core's data (completion.go), the
// version (version.go). (The layout of the GitHub CLI.)
//
// Data goes to standard output, everything else (warnings, progress, logs) to
// standard error. No connector's field names appear here: the plugin's schema
// drives everything.
package cli
