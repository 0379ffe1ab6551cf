package shared

import (
	"slices"
	"testing"
)

func TestPluginsRunWithOneProcessorUnlessTheHostSaysOtherwise(t *testing.T) {
	_, cmd := newClient("/bin/true", ClientOptions{Env: []string{LogLevelEnv + "=info"}})
	if want := []string{LogLevelEnv + "=info", "GOMAXPROCS=1"}; !slices.Equal(cmd.Env, want) {
		t.Errorf("env = %q, want %q", cmd.Env, want)
	}
	_, cmd = newClient("/bin/true", ClientOptions{Env: []string{"GOMAXPROCS=3"}})
	if want := []string{"GOMAXPROCS=3"}; !slices.Equal(cmd.Env, want) {
		t.Errorf("env = %q, want %q", cmd.Env, want)
	}
}
