package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/openintegrator/integrator/host/plugins"
)

// Plugin is a plugin file found in a plugin folder, and whether it works.
type Plugin struct {
	Type         string `json:"type"`
	Path         string `json:"path"`
	ResolvedPath string `json:"resolved_path,omitempty"` // where Path, a symlink, leads
	// Status is ok, error (Error says why), untrusted (the file is not the
	// binary trusted for its type) or shadowed (a plugin of the same type
	// in an earlier folder is used instead).
	Status        string `json:"status"`
	Name          string `json:"name,omitempty"`
	Version       string `json:"version,omitempty"`
	Protocol      int    `json:"protocol,omitempty"`
	SHA256        string `json:"sha256,omitempty"`
	Checksum      string `json:"checksum,omitempty"` // "sha256:<hex>", the same digest with its algorithm named
	Trusted       bool   `json:"trusted"`
	TrustedSHA256 string `json:"trusted_sha256,omitempty"`
	Error         string `json:"error,omitempty"`
	ShadowedBy    string `json:"shadowed_by,omitempty"`
}

// Plugins is every plugin file in the plugin folders, in search order.
type Plugins struct {
	Plugins []Plugin
	Dirs    []string // the folders searched, in order
}

// Plugins lists every plugin file found, each started once to check that
// it speaks the plugin protocol (the schema cache is not used: this is
// the check).
func (a *App) Plugins(ctx context.Context) (Plugins, error) {
	loaded, dirs, err := a.loadAll(ctx, false)
	if err != nil {
		return Plugins{}, err
	}
	out := Plugins{Dirs: dirs}
	for _, p := range loaded {
		pl := Plugin{Type: p.Type, Path: p.Path, ResolvedPath: p.ResolvedPath, SHA256: p.SHA256, Trusted: p.Trusted,
			TrustedSHA256: p.TrustedSHA256, ShadowedBy: p.ShadowedBy}
		if p.SHA256 != "" {
			pl.Checksum = "sha256:" + p.SHA256
		}
		var changed *plugins.ChangedError
		switch {
		case p.ShadowedBy != "":
			pl.Status = "shadowed"
		case errors.As(p.Err, &changed):
			pl.Status, pl.Error = "untrusted", p.Err.Error()
		case p.Err != nil:
			pl.Status, pl.Error = "error", p.Err.Error()
		default:
			pl.Status, pl.Name, pl.Version, pl.Protocol = "ok", p.Spec.Name, p.Spec.Version, p.Protocol
		}
		out.Plugins = append(out.Plugins, pl)
	}
	return out, nil
}

// Trust is what trusting a plugin did.
type Trust struct {
	Type     string `json:"type"`
	Path     string `json:"path"`
	Version  string `json:"version"`
	Protocol int    `json:"protocol"`
	SHA256   string `json:"sha256"`
	// Changed is false when the binary was trusted already.
	Changed  bool           `json:"changed"`
	Previous *TrustedBefore `json:"previous"` // nil when no binary was trusted for the type
}

// TrustedBefore is the binary that was trusted for a type.
type TrustedBefore struct {
	Path      string    `json:"path"`
	Version   string    `json:"version"`
	SHA256    string    `json:"sha256"`
	TrustedAt time.Time `json:"trusted_at"`
}

// TrustPlugin trusts the plugin binary now found for a connector type, in
// place of the one trusted before: it is started once (it must work), then
// its SHA-256 is recorded. With sha256 ("" for any; "sha256:" in front is
// allowed) only a binary of that checksum is trusted.
func (a *App) TrustPlugin(ctx context.Context, typ, sha256 string) (Trust, error) {
	c, err := a.candidate(typ)
	if err != nil {
		return Trust{}, err
	}
	tr, err := a.trust(ctx)
	if err != nil {
		return Trust{}, err
	}
	v, err := tr.Check(ctx, c)
	if changed := (*plugins.ChangedError)(nil); err != nil && !errors.As(err, &changed) {
		return Trust{}, fmt.Errorf("plugin %s: %w", c.Path, err)
	}
	if sha256 != "" && !strings.EqualFold(strings.TrimPrefix(sha256, "sha256:"), v.SHA256) {
		return Trust{}, fmt.Errorf("plugin %s: its sha256 is %s, not %s: not trusted", c.Path, v.SHA256, sha256)
	}
	out := Trust{Type: c.Type, Path: c.Path, SHA256: v.SHA256, Changed: true}
	if r := v.Record; r != nil {
		out.Previous = &TrustedBefore{Path: r.Path, Version: r.Version, SHA256: r.SHA256, TrustedAt: r.TrustedAt}
		out.Changed = r.SHA256 != v.SHA256
		out.Version, out.Protocol = r.Version, r.Protocol
	}
	if !out.Changed {
		return out, nil
	}
	o, cache, err := a.startOptions()
	if err != nil {
		return Trust{}, err
	}
	o.Checksum = v.Checksum()
	inst, err := plugins.Start(ctx, c, cache, o)
	if err != nil {
		return Trust{}, fmt.Errorf("plugin %s: %w; it was not trusted", c.Path, err)
	}
	out.Version, out.Protocol = inst.Spec.Version, inst.Protocol
	err = tr.TrustNow(ctx, c, v.SHA256, inst.Spec, inst.Protocol)
	inst.Close()
	return out, err
}
