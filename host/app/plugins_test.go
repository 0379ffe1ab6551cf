package app

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Connector types come from the plugins found; an unknown type lists the
// known ones, or the folders searched when there are none.
func TestConnectorTypes(t *testing.T) {
	ctx := testCtx(t)
	a, _, plugin := testApp(t)
	types, err := a.ConnectorTypes(ctx)
	if err != nil || len(types.Types) != 1 || len(types.Skipped) != 0 {
		t.Fatalf("ConnectorTypes: %+v, %v", types, err)
	}
	if ct := types.Types[0]; ct.Type != pluginType || ct.Plugin != plugin || ct.Name == "" || ct.Version == "" {
		t.Errorf("connector type: %+v", ct)
	}
	c, err := a.Connector(ctx, pluginType)
	if err != nil || c.Spec.Type != pluginType || c.Plugin != plugin || len(c.SpecJSON().Fields) != len(c.Spec.Fields) {
		t.Fatalf("Connector: %+v, %v", c, err)
	}
	var unknown *UnknownTypeError
	if _, err := a.Connector(ctx, "nope"); !errors.As(err, &unknown) || strings.Join(unknown.Known, ",") != pluginType {
		t.Errorf("an unknown type: %v", err)
	}
	none := New(Options{Getenv: func(n string) string { return map[string]string{"INTEGRATOR_HOME": t.TempDir()}[n] }, PluginDirs: []string{t.TempDir()}})
	defer none.Close()
	if _, err := none.Connector(ctx, pluginType); !errors.As(err, &unknown) || len(unknown.Known) != 0 || len(unknown.Dirs) == 0 ||
		!strings.Contains(err.Error(), "no plugins found in") {
		t.Errorf("no plugins at all: %v", err)
	}
}

// A plugin file that changed after it was trusted is refused until it is
// trusted again; trusting it records its checksum in place of the old one.
func TestTrustPlugin(t *testing.T) {
	ctx := testCtx(t)
	a, _, plugin := testApp(t)
	list, err := a.Plugins(ctx)
	if err != nil || len(list.Plugins) != 1 {
		t.Fatalf("Plugins: %+v, %v", list, err)
	}
	before := list.Plugins[0]
	if before.Status != "ok" || !before.Trusted || before.Checksum != "sha256:"+before.SHA256 || before.Path != plugin {
		t.Errorf("a plugin loaded for the first time: %+v", before)
	}
	tr, err := a.TrustPlugin(ctx, pluginType, "")
	if err != nil || tr.Changed || tr.SHA256 != before.SHA256 {
		t.Errorf("trusting the trusted binary: %+v, %v", tr, err)
	}

	// The same program with other bytes: a rebuilt or replaced binary.
	f, err := os.OpenFile(plugin, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("another build")
	f.Close()
	types, err := a.ConnectorTypes(ctx)
	if err != nil || len(types.Types) != 0 || len(types.Skipped) != 1 || !strings.Contains(types.Skipped[0].Err.Error(), "changed since it was trusted") {
		t.Fatalf("a changed plugin is used: %+v, %v", types, err)
	}
	if list, _ := a.Plugins(ctx); list.Plugins[0].Status != "untrusted" || list.Plugins[0].TrustedSHA256 != before.SHA256 {
		t.Errorf("a changed plugin: %+v", list.Plugins[0])
	}
	if _, err := a.TrustPlugin(ctx, pluginType, before.SHA256); err == nil || !strings.Contains(err.Error(), "not trusted") {
		t.Errorf("trusting a binary of another checksum than asked: %v", err)
	}
	tr, err = a.TrustPlugin(ctx, pluginType, "")
	if err != nil || !tr.Changed || tr.SHA256 == before.SHA256 || tr.Previous == nil || tr.Previous.SHA256 != before.SHA256 ||
		tr.Previous.Path != filepath.Clean(plugin) || tr.Version == "" {
		t.Fatalf("TrustPlugin: %+v, %v", tr, err)
	}
	if types, err := a.ConnectorTypes(ctx); err != nil || len(types.Types) != 1 {
		t.Errorf("after trusting it: %+v, %v", types, err)
	}
}
