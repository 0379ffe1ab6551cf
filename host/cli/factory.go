package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

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

	mu         sync.Mutex
	supervisor *plugins.Supervisor
	trustStore *store.Store

	runMu  sync.Mutex
	runDir *plugins.RunDir // this process's folder for plugin sockets
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
		return fmt.Errorf("%s=%q: use a whole number of processors, 1 or more, or unset it for 1", plugins.ProcsEnv, v)
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

// ClientOptions returns how plugins are started: the host's logger, only
// the environment a plugin needs, and this process's private folder for
// their sockets (made on first use; the folders of hosts that were killed
// are removed then).
func (f *Factory) ClientOptions() (shared.ClientOptions, error) {
	dir, err := f.socketDir()
	if err != nil {
		return shared.ClientOptions{}, err
	}
	return shared.ClientOptions{
		Logger:    f.Logger().Named("plugin"),
		Env:       plugins.Env(f.Getenv, f.LogLevel),
		SocketDir: dir,
	}, nil
}

func (f *Factory) socketDir() (string, error) {
	f.runMu.Lock()
	defer f.runMu.Unlock()
	if f.runDir == nil {
		h, err := f.HomeDir()
		if err != nil {
			return "", err
		}
		base, err := plugins.RunBase(f.Getenv, h)
		if err != nil {
			return "", err
		}
		if f.runDir, err = plugins.OpenRunDir(base); err != nil {
			return "", err
		}
	}
	return f.runDir.Path, nil
}

// startOptions is what starting a plugin takes: the client options and
// the cache of verified binaries.
func (f *Factory) startOptions() (shared.ClientOptions, *plugins.ExecCache, error) {
	co, err := f.ClientOptions()
	if err != nil {
		return co, nil, err
	}
	cache, err := f.ExecCache()
	return co, cache, err
}

// ExecCache returns the cache of verified plugin binaries the plugins run
// from: <home>/plugin-cache.
func (f *Factory) ExecCache() (*plugins.ExecCache, error) {
	h, err := f.HomeDir()
	if err != nil {
		return nil, err
	}
	return plugins.NewExecCache(filepath.Join(h, "plugin-cache")), nil
}

// LogDir is where the plugins' logs are kept: <home>/logs/<type>.log.
func (f *Factory) LogDir() (string, error) {
	h, err := f.HomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(h, "logs"), nil
}

// Trust returns the plugin trust policy. Its store is opened on first use
// and closed by Close.
func (f *Factory) Trust(ctx context.Context) (*plugins.Trust, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.trustStore == nil {
		h, err := f.HomeDir()
		if err != nil {
			return nil, err
		}
		st, err := store.Open(ctx, h)
		if err != nil {
			return nil, err
		}
		f.trustStore = st
	}
	return &plugins.Trust{Store: f.trustStore}, nil
}

// Supervisor returns the supervisor that runs this process's plugins.
func (f *Factory) Supervisor() (*plugins.Supervisor, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.supervisor == nil {
		logDir, err := f.LogDir()
		if err != nil {
			return nil, err
		}
		co, cache, err := f.startOptions()
		if err != nil {
			return nil, err
		}
		f.supervisor = plugins.NewSupervisor(plugins.SupervisorConfig{
			Client: co,
			Cache:  cache,
			LogDir: logDir,
			Logger: f.Logger(),
		})
	}
	return f.supervisor, nil
}

// LoadPlugins checks the candidates against the trusted checksums and
// gets their schemas: from the cache when useCache allows, else by
// starting them.
func (f *Factory) LoadPlugins(ctx context.Context, cands []plugins.Candidate, useCache bool) ([]plugins.Plugin, error) {
	tr, err := f.Trust(ctx)
	if err != nil {
		return nil, err
	}
	co, cache, err := f.startOptions()
	if err != nil {
		return nil, err
	}
	return plugins.Load(ctx, cands, plugins.LoadOptions{Client: co, Cache: cache, Trust: tr, UseCache: useCache}), nil
}

// Close stops every plugin process this host started and closes what the
// factory opened. main calls it on the way out, signals included.
func (f *Factory) Close() {
	f.mu.Lock()
	sup, st := f.supervisor, f.trustStore
	f.mu.Unlock()
	if sup != nil {
		sup.Shutdown()
	}
	if st != nil {
		st.Close()
	}
	f.runMu.Lock()
	if f.runDir != nil {
		f.runDir.Close()
		f.runDir = nil
	}
	f.runMu.Unlock()
}

// Service opens the connection store and the master key. Close the store
// when done.
func (f *Factory) Service(ctx context.Context) (*connections.Service, error) {
	h, err := f.HomeDir()
	if err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, h)
	if err != nil {
		return nil, err
	}
	if err := checkKeyFileKept(ctx, f.Getenv, h, st); err != nil {
		st.Close()
		return nil, err
	}
	keys, err := secrets.Load(f.Getenv, h)
	if err != nil {
		st.Close()
		return nil, err
	}
	return &connections.Service{Store: st, Keys: keys, Waiting: func(mode secrets.LockMode) {
		if mode == secrets.Exclusive {
			fmt.Fprintln(f.IO.ErrOut, "Waiting for the key lock: another integrator process is rotating the master key or saving a connection...")
		} else {
			fmt.Fprintln(f.IO.ErrOut, "Waiting for the key lock: another integrator process is rotating the master key...")
		}
	}}, nil
}

// StartPlugin returns a handle to the plugin that serves a connection type,
// started (or shared, when it runs already) by the supervisor. The binary
// must be the one trusted for the type; the first binary ever loaded for a
// type becomes trusted. Close the handle when done: that releases it, and
// the process stops at the latest when the host exits.
func (f *Factory) StartPlugin(ctx context.Context, typ string) (*plugins.Handle, error) {
	c, err := findCandidate(f, typ)
	if err != nil {
		return nil, err
	}
	tr, err := f.Trust(ctx)
	if err != nil {
		return nil, err
	}
	v, err := tr.Check(ctx, c)
	if err != nil {
		return nil, fmt.Errorf("plugin %s: %w", c.Path, err)
	}
	sup, err := f.Supervisor()
	if err != nil {
		return nil, err
	}
	h, err := sup.Acquire(ctx, plugins.Target{Candidate: c, SHA256: v.SHA256})
	if err != nil {
		return nil, fmt.Errorf("plugin %s: %w", c.Path, err)
	}
	if err := tr.Remember(ctx, c, v, h.Spec, h.Protocol); err != nil {
		h.Close()
		return nil, fmt.Errorf("plugin %s: %w", c.Path, err)
	}
	return h, nil
}

// checkKeyFileKept refuses to go on when the key file is missing but the
// store holds secrets: a new key (which secrets.Load would make) could
// never open them, and the next save would seal under it.
func checkKeyFileKept(ctx context.Context, getenv func(string) string, home string, st *store.Store) error {
	if getenv(secrets.KeyEnv) != "" {
		return nil
	}
	path := secrets.KeyFilePath(home)
	if _, err := os.Lstat(path); !errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	ids, err := st.KeyIDs(ctx, "")
	if err != nil || len(ids) == 0 {
		return err
	}
	return fmt.Errorf("the master key file %s is missing, but the store holds secrets sealed under %s: put the key file back from your backup, or set %s to that key. integrator makes no new key, which could never open them",
		path, strings.Join(ids, ", "), secrets.KeyEnv)
}
