package plugins

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openintegrator/integrator/shared"
)

func TestEnvPassesOnlyWhatAPluginNeeds(t *testing.T) {
	host := map[string]string{
		"HTTPS_PROXY":                  "http://proxy:3128",
		"INTEGRATOR_MASTER_KEY":        "c2VjcmV0",
		"HOME":                         "/home/u",
		"GOMAXPROCS":                   "16",
		"INTEGRATOR_PLUGIN_GOMAXPROCS": "4",
	}
	got := Env(func(k string) string { return host[k] }, "debug")
	want := []string{"HTTPS_PROXY=http://proxy:3128", "GOMAXPROCS=4", shared.LogLevelEnv + "=debug"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("plugin environment (-want +got):\n%s", diff)
	}
	if got := Env(func(string) string { return "" }, "info"); len(got) != 1 {
		t.Errorf("with nothing set: %q", got)
	}
}
