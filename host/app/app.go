package app

import (
	"context"
	"os"
	"sync"

	"github.com/hashicorp/go-hclog"

	"github.com/openintegrator/integrator/host/plugins"
	"github.com/openintegrator/integrator/host/store"
	"github.com/openintegrator/integrator/host/store/queue"
)

// Options are what an App is made of: where it looks, what it reads and
// where it logs.
type Options struct {
	// Getenv reads the environment: INTEGRATOR_HOME, the master key and
	// what plugins are given. nil is os.Getenv.
	Getenv func(string) string
	// ExeDir is the folder of the integrator binary; its plugins folder is
	// searched last. "" searches none there.
	ExeDir string
	// PluginDirs are searched for plugins first, in order.
	PluginDirs []string
	// LogLevel is the level the plugins log at: trace, debug, info, warn,
	// error or off.
	LogLevel string
	// Store is where the store is (--store): a postgres:// URL, or ""
	// for StoreEnv's, else SQLite in the home folder.
	Store string
	// Logger gets the host's log lines and the plugins' (at their own
	// level). nil logs nothing.
	Logger hclog.Logger
	// OnKeyLockWait, when set, is called once each time a use case waits
	// for the key lock another process holds. exclusive is true when this
	// one waits to rotate the key (the other may be rotating it or saving
	// a connection), false when the other is rotating it.
	OnKeyLockWait func(exclusive bool)
}

// App is the host's runtime and its use cases. Its methods may be called
// from several goroutines.
type App struct {
	opts Options
	log  hclog.Logger

	mu  sync.Mutex
	st  *store.Store
	sup *plugins.Supervisor
	iq  *queue.Queue // the queue to insert and cancel jobs, opened on first use

	runMu  sync.Mutex
	runDir *plugins.RunDir // this process's folder for plugin sockets
}

// New returns an App. Nothing is opened or started until a use case needs
// it.
func New(o Options) *App {
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	log := o.Logger
	if log == nil {
		log = hclog.NewNullLogger()
	}
	return &App{opts: o, log: log}
}

// Close stops every plugin process the App started, waiting until they
// have exited, and closes what it opened.
func (a *App) Close() {
	a.mu.Lock()
	sup, st := a.sup, a.st
	a.sup, a.st, a.iq = nil, nil, nil
	a.mu.Unlock()
	if sup != nil {
		sup.Shutdown()
	}
	if st != nil {
		st.Close()
	}
	a.runMu.Lock()
	if a.runDir != nil {
		a.runDir.Close()
		a.runDir = nil
	}
	a.runMu.Unlock()
}

// store returns the store, opened on first use.
func (a *App) store(ctx context.Context) (*store.Store, error) {
	h, err := a.HomeDir()
	if err != nil {
		return nil, err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.st == nil {
		a.st, err = openStore(ctx, a.storeLocation(), h)
	}
	return a.st, err
}
