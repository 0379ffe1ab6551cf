package app

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/openintegrator/integrator/host/connections"
	"github.com/openintegrator/integrator/host/home"
	"github.com/openintegrator/integrator/host/plugins"
	"github.com/openintegrator/integrator/host/secrets"
	"github.com/openintegrator/integrator/shared"
)

// HomeDir returns the integrator's home folder.
func (a *App) HomeDir() (string, error) { return home.Dir(a.opts.Getenv) }

// searchDirs returns the plugin folders in search order.
func (a *App) searchDirs() ([]string, error) {
	h, err := a.HomeDir()
	if err != nil {
		return nil, err
	}
	return plugins.Dirs(a.opts.PluginDirs, home.PluginDir(h), a.opts.ExeDir), nil
}

// candidates discovers the plugins in the search folders.
func (a *App) candidates() ([]plugins.Candidate, []string, error) {
	dirs, err := a.searchDirs()
	if err != nil {
		return nil, nil, err
	}
	cands, err := plugins.Discover(dirs)
	return cands, dirs, err
}

// clientOptions returns how plugins are started: the host's logger, only
// the environment a plugin needs, and this process's private folder for
// their sockets (made on first use; the folders of hosts that were killed
// are removed then).
func (a *App) clientOptions() (shared.ClientOptions, error) {
	dir, err := a.socketDir()
	if err != nil {
		return shared.ClientOptions{}, err
	}
	return shared.ClientOptions{
		Logger:    a.log.Named("plugin"),
		Env:       plugins.Env(a.opts.Getenv, a.opts.LogLevel),
		SocketDir: dir,
	}, nil
}

func (a *App) socketDir() (string, error) {
	a.runMu.Lock()
	defer a.runMu.Unlock()
	if a.runDir == nil {
		h, err := a.HomeDir()
		if err != nil {
			return "", err
		}
		base, err := plugins.RunBase(a.opts.Getenv, h)
		if err != nil {
			return "", err
		}
		if a.runDir, err = plugins.OpenRunDir(base); err != nil {
			return "", err
		}
	}
	return a.runDir.Path, nil
}

// startOptions is what starting a plugin takes: the client options and
// the cache of verified binaries the plugins run from,
// <home>/plugin-cache.
func (a *App) startOptions() (shared.ClientOptions, *plugins.ExecCache, error) {
	co, err := a.clientOptions()
	if err != nil {
		return co, nil, err
	}
	h, err := a.HomeDir()
	if err != nil {
		return co, nil, err
	}
	return co, plugins.NewExecCache(filepath.Join(h, "plugin-cache")), nil
}

// trust returns the plugin trust policy, over the store.
func (a *App) trust(ctx context.Context) (*plugins.Trust, error) {
	st, err := a.store(ctx)
	if err != nil {
		return nil, err
	}
	return &plugins.Trust{Store: st}, nil
}

// supervisor returns the supervisor that runs this App's plugins. Their
// logs are kept in <home>/logs/<type>.log.
func (a *App) supervisor() (*plugins.Supervisor, error) {
	h, err := a.HomeDir()
	if err != nil {
		return nil, err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.sup == nil {
		co, cache, err := a.startOptions()
		if err != nil {
			return nil, err
		}
		a.sup = plugins.NewSupervisor(plugins.SupervisorConfig{
			Client: co,
			Cache:  cache,
			LogDir: filepath.Join(h, "logs"),
			Logger: a.log,
		})
	}
	return a.sup, nil
}

// loadPlugins checks the candidates against the trusted checksums and
// gets their schemas: from the cache when useCache allows, else by
// starting them.
func (a *App) loadPlugins(ctx context.Context, cands []plugins.Candidate, useCache bool) ([]plugins.Plugin, error) {
	tr, err := a.trust(ctx)
	if err != nil {
		return nil, err
	}
	co, cache, err := a.startOptions()
	if err != nil {
		return nil, err
	}
	return plugins.Load(ctx, cands, plugins.LoadOptions{Client: co, Cache: cache, Trust: tr, UseCache: useCache}), nil
}

// loadAll loads every plugin found (see loadPlugins), and returns the
// folders searched.
func (a *App) loadAll(ctx context.Context, useCache bool) ([]plugins.Plugin, []string, error) {
	cands, dirs, err := a.candidates()
	if err != nil {
		return nil, nil, err
	}
	loaded, err := a.loadPlugins(ctx, cands, useCache)
	return loaded, dirs, err
}

// startPlugin returns a handle to the plugin that serves a connection
// type, started (or shared, when it runs already) by the supervisor. The
// binary must be the one trusted for the type; the first binary ever
// loaded for a type becomes trusted. Close the handle when done: that
// releases it, and the process stops at the latest when the App closes.
func (a *App) startPlugin(ctx context.Context, typ string) (*plugins.Handle, error) {
	c, err := a.candidate(typ)
	if err != nil {
		return nil, err
	}
	tr, err := a.trust(ctx)
	if err != nil {
		return nil, err
	}
	v, err := tr.Check(ctx, c)
	if err != nil {
		return nil, fmt.Errorf("plugin %s: %w", c.Path, err)
	}
	sup, err := a.supervisor()
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

// service returns the connections service over the store and the master
// key, loaded now. A missing key file is refused while the store holds
// secrets (see checkKeyFileKept).
func (a *App) service(ctx context.Context) (*connections.Service, error) {
	h, err := a.HomeDir()
	if err != nil {
		return nil, err
	}
	st, err := a.store(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkKeyFileKept(ctx, a.opts.Getenv, h, st); err != nil {
		return nil, err
	}
	keys, err := secrets.Load(a.opts.Getenv, h)
	if err != nil {
		return nil, err
	}
	svc := &connections.Service{Store: st, Keys: keys}
	if wait := a.opts.OnKeyLockWait; wait != nil {
		svc.Waiting = func(mode secrets.LockMode) { wait(mode == secrets.Exclusive) }
	}
	return svc, nil
}
