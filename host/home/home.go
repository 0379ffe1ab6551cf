package home

import (
	"errors"
	"os"
	"path/filepath"
)

// Env is the environment variable that overrides the home folder.
const Env = "INTEGRATOR_HOME"

// Dir returns the home folder: $INTEGRATOR_HOME when set, else
// $XDG_DATA_HOME/integrator, else ~/.local/share/integrator. getenv is
// usually os.Getenv; tests pass their own.
func Dir(getenv func(string) string) (string, error) {
	if d := getenv(Env); d != "" {
		return filepath.Abs(d)
	}
	if d := getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "integrator"), nil
	}
	h := getenv("HOME")
	if h == "" {
		var err error
		if h, err = os.UserHomeDir(); err != nil {
			return "", errors.New("cannot find a home folder: set INTEGRATOR_HOME")
		}
	}
	return filepath.Join(h, ".local", "share", "integrator"), nil
}

// PluginDir returns the plugins folder inside the home folder.
func PluginDir(homeDir string) string { return filepath.Join(homeDir, "plugins") }
