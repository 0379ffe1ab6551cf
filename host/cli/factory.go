package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/hashicorp/go-hclog"

	"github.com/openintegrator/integrator/host/app"
	"github.com/openintegrator/integrator/host/iostreams"
)

// Factory holds what every command needs: the streams, the environment,
// the global flags and, made from them on first use, the host core.
type Factory struct {
	IO     *iostreams.IOStreams
	Getenv func(string) string
	// ExeDir is the folder of the integrator binary; its plugins subfolder is
	// searched last.
	ExeDir string

	PluginDirs []string // --plugin-dir, in order
	LogLevel   string   // --log-level
	Store      string   // --store

	logger hclog.Logger

	mu  sync.Mutex
	app *app.App
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

// checkPluginProcs checks INTEGRATOR_PLUGIN_GOMAXPROCS: unset, or a whole
// number of at least 1.
func checkPluginProcs(v string) error {
	if v == "" {
		return nil
	}
	if n, err := strconv.Atoi(v); err != nil || n < 1 {
		return fmt.Errorf("%s=%q: use a whole number of processors, 1 or more, or unset it for 1", app.PluginProcsEnv, v)
	}
	return nil
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

// App returns the host core, made on first use from the environment and
// the global flags, which are parsed by then.
func (f *Factory) App() *app.App {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.app == nil {
		f.app = app.New(app.Options{
			Getenv:        f.Getenv,
			ExeDir:        f.ExeDir,
			PluginDirs:    f.PluginDirs,
			LogLevel:      f.LogLevel,
			Store:         f.Store,
			Logger:        f.Logger(),
			OnKeyLockWait: f.keyLockWait,
		})
	}
	return f.app
}

// keyLockWait says on stderr that a command waits for the key lock.
func (f *Factory) keyLockWait(exclusive bool) {
	if exclusive {
		fmt.Fprintln(f.IO.ErrOut, "Waiting for the key lock: another integrator process is rotating the master key or saving a connection...")
	} else {
		fmt.Fprintln(f.IO.ErrOut, "Waiting for the key lock: another integrator process is rotating the master key...")
	}
}

// Close stops every plugin process this host started and closes what the
// core opened. main calls it on the way out, signals included.
func (f *Factory) Close() {
	f.mu.Lock()
	a := f.app
	f.mu.Unlock()
	if a != nil {
		a.Close()
	}
}
