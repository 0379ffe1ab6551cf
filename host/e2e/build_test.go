package e2e

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// bin is the folder with the built binaries: integrator, and
// plugins/integrator-connector-twitter-ads beside it, as `make build` lays
// them out; http-plugin/integrator-connector-http too.
var bin string

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "integrator-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	bin = filepath.Join(dir, "bin")
	root := moduleRoot()
	for out, pkg := range map[string]string{
		"integrator": "./host/cmd/integrator",
		"plugins/integrator-connector-twitter-ads": "./plugin/cmd/integrator-connector-twitter-ads",
		// Apart from plugins/, so that the tests that list the plugins
		// beside the binary keep finding Twitter Ads alone; the http
		// connector's tests name the folder with --plugin-dir.
		"http-plugin/integrator-connector-http": "./plugin/cmd/integrator-connector-http",
	} {
		cmd := exec.Command("go", "build", "-o", filepath.Join(bin, out), pkg)
		cmd.Dir = root
		if b, err := cmd.CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "building %s: %v\n%s", pkg, err, b)
			return 1
		}
	}
	return m.Run()
}

func moduleRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

type result struct {
	stdout, stderr string
	code           int
}

// integrator runs the built host with a clean environment: its own
// INTEGRATOR_HOME and nothing of the developer's machine.
func integrator(t *testing.T, home string, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(filepath.Join(bin, "integrator"), args...)
	cmd.Env = append([]string{"INTEGRATOR_HOME=" + home, "HOME=" + home, "PATH=/usr/bin:/bin"}, env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running integrator %v: %v", args, err)
	}
	return result{out.String(), errOut.String(), code}
}
