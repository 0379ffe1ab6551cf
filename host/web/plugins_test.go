package web

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openintegrator/integrator/host/app"
)

// pluginFolder is a plugin folder with a copy of the formtest plugin and
// a file named like a plugin that is not one.
func pluginFolder(t *testing.T) (dir, formtest string) {
	t.Helper()
	dir = t.TempDir()
	b, err := os.ReadFile(filepath.Join(pluginDir, app.PluginPrefix+"formtest"))
	if err != nil {
		t.Fatal(err)
	}
	formtest = filepath.Join(dir, app.PluginPrefix+"formtest")
	if err := os.WriteFile(formtest, b, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, app.PluginPrefix+"broken"), []byte("#!/bin/sh\necho not a plugin\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir, formtest
}

func sha256File(t *testing.T, path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// The Connectors page lists what `connectors list` does, the plugin that
// failed to load with the reason; a connector's page lists its settings
// in their sections, with conditions and ranges.
func TestConnectorsPages(t *testing.T) {
	dir, _ := pluginFolder(t)
	c := startConsoleWith(t, consoleConfig{pluginDirs: []string{dir}})
	cl := c.signedIn(t)
	r := cl.get("/connectors")
	for _, want := range []string{`<a href="/connectors/formtest"><code>formtest</code></a>`, "Form test", "1.0.0", "A connector whose form has sections",
		"Plugins skipped", app.PluginPrefix + "broken</code>: "} {
		if !strings.Contains(r.body, want) {
			t.Errorf("the connectors page lacks %q", want)
		}
	}
	r = cl.get("/connectors/formtest")
	for _, want := range []string{"<h2>Authentication", "<h2>Limits <span class=\"hint\">(advanced)</span>", "applies when method is RSA",
		"one of HMAC, RSA", "1 to 25", "default <code>4</code>", "keyvalues", "string, secret"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("the connector page lacks %q", want)
		}
	}
	if strings.Index(r.body, "<h2>Authentication") > strings.Index(r.body, "<h2>Application") {
		t.Error("sections out of order")
	}
	if r := cl.get("/connectors/nothing"); r.status != http.StatusNotFound || !strings.Contains(r.body, "unknown connector type") {
		t.Errorf("an unknown type: %d", r.status)
	}
	if r := cl.get("/connections/new?type=nothing"); r.status != http.StatusNotFound {
		t.Errorf("a new connection of an unknown type: %d", r.status)
	}
}

// The Plugins page shows a plugin that failed and why, and one that
// changed since it was trusted with both checksums and a Trust button;
// Trust with the checksum shown trusts it, and with another changes
// nothing.
func TestPluginsPageAndTrust(t *testing.T) {
	dir, formtest := pluginFolder(t)
	c := startConsoleWith(t, consoleConfig{pluginDirs: []string{dir}})
	cl := c.signedIn(t)
	r := cl.get("/plugins")
	if !strings.Contains(r.body, "<code>broken</code>") || !strings.Contains(r.body, `<span class="problem">`) {
		t.Errorf("the plugins page does not show the broken plugin's error: %s", r.body)
	}
	old := sha256File(t, formtest)
	f, err := os.OpenFile(formtest, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("changed")) // still runs; another checksum
	f.Close()
	now := sha256File(t, formtest)

	r = cl.get("/plugins")
	for _, want := range []string{"untrusted", "trusted: sha256:" + old, "now: sha256:" + now,
		`action="/plugins/formtest/trust"`, `name="sha256" value="` + now + `"`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("the plugins page lacks %q", want)
		}
	}
	if r := cl.get("/connections/new?type=formtest"); r.status == http.StatusOK {
		t.Error("a changed plugin's form was shown")
	}
	if r := cl.post("/plugins/formtest/trust", url.Values{"sha256": {old}}); r.status != http.StatusConflict || !strings.Contains(r.body, "not trusted") {
		t.Errorf("trust with a stale checksum: %d %s", r.status, r.body)
	}
	if r := cl.get("/plugins"); !strings.Contains(r.body, "untrusted") {
		t.Error("a trust with a stale checksum trusted the plugin")
	}
	r = cl.post("/plugins/formtest/trust", url.Values{"sha256": {now}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("trust: %d %s", r.status, r.body)
	}
	r = cl.get(r.header.Get("Location"))
	if !strings.Contains(r.body, "Trusted the plugin of formtest") || strings.Contains(r.body, "untrusted") {
		t.Errorf("after trust: %s", r.body)
	}
	if r := cl.get("/connections/new?type=formtest"); r.status != http.StatusOK {
		t.Errorf("the trusted plugin's form: %d", r.status)
	}
}
