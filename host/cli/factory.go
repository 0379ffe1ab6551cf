package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/go-hclog"

	"github.com/openintegrator/integrator/host/connections"
	"github.com/openintegrator/integrator/host/home"
	"github.com/openintegrator/integrator/host/iostreams"
	"github.com/openintegrator/integrator/host/plugins"
	"github.com/openintegrator/integrator/host/secrets"
	"github.com/openintegrator/integrator/host/store"
	"github.com/openintegrator/integrator/shared"
)

// Factory holds what every command needs: the streams, the environment and
// the global flags.
type Factory struct {
	IO     *iostreams.IOStreams
	Getenv func(string) string
	// ExeDir is the folder of the integrator binary; its plugins subfolder is
	// searched last.
	ExeDir string

	PluginDirs []string // --plugin-dir, in order
	LogLevel   string   // --log-level

	logger hclog.Logger
}

// NewFactory returns a Factory for the real process.
func NewFactory() *Factory {
	exeDir := ""
	if exe, err := os.Executable(); err == nil {
		if real, err := filepath.EvalSymlinks(exe); err == nil {
			exe = real
		}
		exeDir = filepath.Dir(exe)
	}
	return &Factory{IO: iostreams.System(), Getenv: os.Getenv, ExeDir: exeDir}
}

// LogLevels are the accepted values of --log-level.
var LogLevels = []string{"trace", "debug", "info", "warn", "error", "off"}

// DefaultLogLevel applies when neither --log-level nor INTEGRATOR_LOG_LEVEL is set.
const DefaultLogLevel = "warn"

func checkLogLevel(level string) error {
	for _, l := range LogLevels {
		if level == l {
			return nil
		}
	}
	return fmt.Errorf("invalid log level %q: use one of %s", level, strings.Join(LogLevels, ", "))
}

// Logger returns the host's logger, on standard error at the chosen level.
// Plugin log lines arrive through it at the same level.
func (f *Factory) Logger() hclog.Logger {
	if f.logger == nil {
		f.logger = hclog.New(&hclog.LoggerOptions{
			Name:   "integrator",
			Level:  hclog.LevelFromString(f.LogLevel),
			Output: f.IO.ErrOut,
			Color:  hclog.ColorOff,
		})
	}
	return f.logger
}

// HomeDir returns the integrator's home folder.
func (f *Factory) HomeDir() (string, error) { return home.Dir(f.Getenv) }

// SearchDirs returns the plugin folders in search order.
func (f *Factory) SearchDirs() ([]string, error) {
	h, err := f.HomeDir()
	if err != nil {
		return nil, err
	}
	return plugins.Dirs(f.PluginDirs, home.PluginDir(h), f.ExeDir), nil
}

// Candidates discovers the plugins in the search folders.
func (f *Factory) Candidates() ([]plugins.Candidate, []string, error) {
	dirs, err := f.SearchDirs()
	if err != nil {
		return nil, nil, err
	}
	cands, err := plugins.Discover(dirs)
	return cands, dirs, err
}

// ClientOptions returns how plugins are started: the host's logger, and only
// the environment a plugin needs.
func (f *Factory) ClientOptions() shared.ClientOptions {
	return shared.ClientOptions{
		Logger: f.Logger().Named("plugin"),
		Env:    plugins.Env(f.Getenv, f.LogLevel),
	}
}

// Service opens the connection store and the master key. Close the store
// when done.
func (f *Factory) Service(ctx context.Context) (*connections.Service, error) {
	h, err := f.HomeDir()
	if err != nil {
		return nil, err
	}
	keys, err := secrets.Load(f.Getenv, h)
	if err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, h)
	if err != nil {
		return nil, err
	}
	return &connections.Service{Store: st, Keys: keys}, nil
}

// StartPlugin starts the plugin that serves a connection type. Close the
// instance when done.
func (f *Factory) StartPlugin(ctx context.Context, typ string) (*shared.Instance, error) {
	c, err := findCandidate(f, typ)
	if err != nil {
		return nil, err
	}
	inst, err := plugins.Start(ctx, c, f.ClientOptions())
	if err != nil {
		return nil, fmt.Errorf("plugin %s: %w", c.Path, err)
	}
	return inst, nil
}
