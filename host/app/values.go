package app

import (
	"time"

	"github.com/openintegrator/integrator/host/connections"
	"github.com/openintegrator/integrator/host/flows"
	"github.com/openintegrator/integrator/host/plugins"
)

// Limits and defaults of the runs.
const (
	DefaultMaxPageBytes   = flows.DefaultMaxPageBytes   // an export's largest page
	DefaultMaxRecordBytes = flows.DefaultMaxRecordBytes // an import's longest input line
)

// PluginPrefix starts the file name of every connector plugin.
const PluginPrefix = plugins.Prefix

// PluginProcsEnv sets how many processors a plugin may use (GOMAXPROCS).
const PluginProcsEnv = plugins.ProcsEnv

// ParseSize reads a byte count: 67108864, 64MiB or 128MB.
func ParseSize(s string) (int64, error) { return flows.ParseSize(s) }

// FormatSize writes a byte count the way ParseSize reads it.
func FormatSize(n int64) string { return flows.FormatSize(n) }

// ParseReportTime reads a report's start or end: RFC 3339 or a date
// (midnight UTC), a whole hour.
func ParseReportTime(s string) (time.Time, error) { return flows.ParseReportTime(s) }

// ValidEnvName reports whether name can name an environment variable.
func ValidEnvName(name string) bool { return connections.ValidEnvName(name) }

// Showable reports whether a name the user gave where a name belongs may
// be repeated in a message: a user who pasted a secret in its place must
// not see it echoed (see connections.Showable).
func Showable(name string) bool { return connections.Showable(name) }
