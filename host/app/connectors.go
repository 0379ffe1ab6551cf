package app

import (
	"context"
	"fmt"
	"sort"

	"github.com/openintegrator/integrator/host/plugins"
	"github.com/openintegrator/integrator/schema"
)

// ConnectorType is a connection type a plugin provides.
type ConnectorType struct {
	Type        string `json:"type"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Version     string `json:"version"`
	Plugin      string `json:"plugin"` // the plugin file's path
}

// Skipped is a plugin file that provides no connection type: it is not a
// working plugin, or it changed since it was trusted.
type Skipped struct {
	Path string
	Err  error
}

// ConnectorTypes is every connection type the plugins provide.
type ConnectorTypes struct {
	Types   []ConnectorType
	Skipped []Skipped
	Dirs    []string // the folders searched, in order
}

// ConnectorTypes lists the connection types of every plugin that starts
// and answers. A plugin binary seen before, and unchanged since it was
// trusted, is not started: its schema comes from the cache. Any other is
// started once to ask for its schema; the first binary loaded for a type
// becomes trusted.
func (a *App) ConnectorTypes(ctx context.Context) (ConnectorTypes, error) {
	loaded, dirs, err := a.loadAll(ctx, true)
	if err != nil {
		return ConnectorTypes{}, err
	}
	out := ConnectorTypes{Dirs: dirs}
	for _, p := range loaded {
		switch {
		case p.ShadowedBy != "":
		case p.Err != nil:
			out.Skipped = append(out.Skipped, Skipped{Path: p.Path, Err: p.Err})
		default:
			out.Types = append(out.Types, ConnectorType{Type: p.Spec.Type, Name: p.Spec.Name, Description: p.Spec.Description,
				Version: p.Spec.Version, Plugin: p.Path})
		}
	}
	return out, nil
}

// Connector is a connection type with every setting a connection of it
// takes.
type Connector struct {
	Spec   schema.Spec
	Plugin string // the plugin file's path
}

// SpecJSON is the JSON form of a connector's schema.
type SpecJSON = plugins.SpecJSON

// SpecJSON returns the JSON form of the connector's schema.
func (c Connector) SpecJSON() SpecJSON { return plugins.NewSpecJSON(c.Spec) }

// Connector returns the connection type typ: its schema from the cache
// when its plugin is trusted and unchanged, else from the plugin, started
// once.
func (a *App) Connector(ctx context.Context, typ string) (Connector, error) {
	c, err := a.candidate(typ)
	if err != nil {
		return Connector{}, err
	}
	loaded, err := a.loadPlugins(ctx, []plugins.Candidate{c}, true)
	if err != nil {
		return Connector{}, err
	}
	if err := loaded[0].Err; err != nil {
		return Connector{}, fmt.Errorf("plugin %s: %w", c.Path, err)
	}
	return Connector{Spec: loaded[0].Spec, Plugin: c.Path}, nil
}

// candidate returns the plugin that serves typ, or a *UnknownTypeError
// that lists the types there are.
func (a *App) candidate(typ string) (plugins.Candidate, error) {
	cands, dirs, err := a.candidates()
	if err != nil {
		return plugins.Candidate{}, err
	}
	var known []string
	for _, c := range cands {
		if c.ShadowedBy != "" || c.Problem != "" {
			continue
		}
		if c.Type == typ {
			return c, nil
		}
		known = append(known, c.Type)
	}
	for _, c := range cands {
		if c.Type == typ && c.Problem != "" {
			return c, fmt.Errorf("the plugin for %q cannot be used: %s: %s", typ, c.Path, c.Problem)
		}
	}
	sort.Strings(known)
	return plugins.Candidate{}, &UnknownTypeError{Type: typ, Known: known, Dirs: dirs}
}
