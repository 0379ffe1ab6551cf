package cli

import (
	"encoding/json"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

// integrator --version and integrator version print the host's version,
// the Go version and the plugin protocol; version --json adds the
// plugins found, with their versions.
func TestVersion(t *testing.T) {
	c := newCLI(t, true)
	line := regexp.MustCompile(`^integrator (\S+) \(` + regexp.QuoteMeta(runtime.Version()+", "+runtime.GOOS+"/"+runtime.GOARCH) + `, plugin protocol 1\)\n$`)
	var version string
	for _, args := range [][]string{{"--version"}, {"version"}} {
		r := c.mustRun(args...)
		m := line.FindStringSubmatch(r.stdout)
		if m == nil {
			t.Fatalf("%v printed %q, want a line like %s", args, r.stdout, line)
		}
		version = m[1]
	}

	r := c.mustRun("version", "--json")
	var got struct {
		Version  string `json:"version"`
		Go       string `json:"go"`
		Platform string `json:"platform"`
		Protocol int    `json:"protocol"`
		Plugins  []struct {
			Type, Name, Version, Path string
		} `json:"plugins"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("%v:\n%s", err, r.stdout)
	}
	if got.Version != version || got.Go != runtime.Version() || got.Platform != runtime.GOOS+"/"+runtime.GOARCH || got.Protocol != 1 {
		t.Errorf("version --json: %+v", got)
	}
	if len(got.Plugins) != 1 || got.Plugins[0].Type != "twitter-ads" || got.Plugins[0].Name != "Twitter Ads" || got.Plugins[0].Version == "" ||
		!strings.HasSuffix(got.Plugins[0].Path, "integrator-connector-twitter-ads") {
		t.Errorf("plugins: %+v", got.Plugins)
	}

	// Without plugins the list is empty, not null.
	r = newCLI(t, false).mustRun("version", "--json")
	if !strings.Contains(r.stdout, `"plugins": []`) {
		t.Errorf("no plugins:\n%s", r.stdout)
	}
	if r := c.run("version", "extra"); r.err == nil {
		t.Error("version took an argument")
	}
}
