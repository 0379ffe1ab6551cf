package cli

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/openintegrator/integrator/host/iostreams"
)

// The command tests drive the cobra commands as main does, with buffers
// for the streams; those that need a connector use the real Twitter Ads
// plugin binary, built once, on first use.

var testDir string // removed after the tests

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "integrator-cli-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	testDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

var (
	pluginOnce sync.Once
	pluginDir  string // holds integrator-connector-twitter-ads
	pluginErr  error
)

// twitterAdsPlugin returns a folder holding the built Twitter Ads plugin.
func twitterAdsPlugin(t *testing.T) string {
	t.Helper()
	pluginOnce.Do(func() {
		pluginDir = filepath.Join(testDir, "plugins")
		_, file, _, _ := runtime.Caller(0)
		cmd := exec.Command("go", "build", "-o", filepath.Join(pluginDir, "integrator-connector-twitter-ads"), "./plugin/cmd/integrator-connector-twitter-ads")
		cmd.Dir = filepath.Join(filepath.Dir(file), "..", "..")
		if out, err := cmd.CombinedOutput(); err != nil {
			pluginErr = fmt.Errorf("building the plugin: %v\n%s", err, out)
		}
	})
	if pluginErr != nil {
		t.Fatal(pluginErr)
	}
	return pluginDir
}

// cliTest is a home of its own and an environment, in which commands run.
type cliTest struct {
	t        *testing.T
	home     string
	env      map[string]string
	plugins  string // a --plugin-dir, or ""
	stdinTTY bool
	stdin    string
}

// newCLI returns a test home; withPlugin gives it the Twitter Ads plugin.
func newCLI(t *testing.T, withPlugin bool) *cliTest {
	c := &cliTest{t: t, home: t.TempDir()}
	c.env = map[string]string{"INTEGRATOR_HOME": c.home, "HOME": c.home}
	if withPlugin {
		c.plugins = twitterAdsPlugin(t)
	}
	return c
}

type cmdResult struct {
	stdout, stderr string
	err            error
}

// run runs integrator args as main would, and returns what it wrote and
// its error (main prints it as "error: " and the message).
func (c *cliTest) run(args ...string) cmdResult {
	c.t.Helper()
	ios, in, out, errOut := iostreams.Test()
	in.WriteString(c.stdin)
	ios.SetStdinTTY(c.stdinTTY)
	f := &Factory{IO: ios, Getenv: func(k string) string { return c.env[k] }}
	defer f.Close()
	if c.plugins != "" {
		args = append([]string{"--plugin-dir", c.plugins}, args...)
	}
	cmd := NewRootCmd(f)
	cmd.SetArgs(args)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := cmd.ExecuteContext(ctx)
	return cmdResult{out.String(), errOut.String(), err}
}

// mustRun runs args and fails the test when they fail.
func (c *cliTest) mustRun(args ...string) cmdResult {
	c.t.Helper()
	r := c.run(args...)
	if r.err != nil {
		c.t.Fatalf("integrator %v: %v\nstderr:\n%s", args, r.err, r.stderr)
	}
	return r
}

// createConnection saves a Twitter Ads connection named name, untested.
func (c *cliTest) createConnection(name string) {
	c.t.Helper()
	c.env["S"], c.env["T"] = "a-secret-value", "12345-AccessTokenValue"
	c.mustRun("connections", "create", "--type", "twitter-ads", "--name", name, "--no-test",
		"--set", "consumer_key=key", "--secret-env", "consumer_secret=S", "--secret-env", "access_token=T", "--secret-env", "token_secret=S")
}

// errText is err's message, or "" for nil.
func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
