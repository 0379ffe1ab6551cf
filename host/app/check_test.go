package app

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/openintegrator/integrator/host/plugins"
	"github.com/openintegrator/integrator/shared/conformance"
)

// The real plugin passes every conformance check through a supervised
// process; sample values and public keys the user gives reach the suite;
// nothing of the check is left in the home (its log folder, the test
// secrets).
func TestCheckPlugin(t *testing.T) {
	ctx := testCtx(t)
	a, e, plugin := testApp(t)
	for _, in := range []CheckInput{{}, {Set: []string{"account_id=abc123", "api_version=11"}, Public: []string{"account_id"}}} {
		out, err := a.CheckPlugin(ctx, pluginType, in)
		if err != nil {
			t.Fatalf("CheckPlugin(%+v): %v", in, err)
		}
		if !out.OK || out.Type != pluginType || out.Path != plugin || out.Version == "" || out.Protocol != 1 ||
			len(out.Checks) != len(conformance.Checks()) {
			t.Errorf("CheckPlugin(%+v): %+v", in, out)
		}
		for _, c := range out.Checks {
			if !c.OK {
				t.Errorf("%s failed: %s", c.Check, c.Reason)
			}
		}
	}
	home := e.get("INTEGRATOR_HOME")
	if left, _ := filepath.Glob(filepath.Join(home, "logs", "check-*")); len(left) > 0 {
		t.Errorf("the check's log folder is left: %v", left)
	}
	canary := regexp.MustCompile(conformance.CanaryPattern)
	_ = filepath.Walk(home, func(path string, fi os.FileInfo, err error) error {
		if err == nil && fi.Mode().IsRegular() {
			if b, _ := os.ReadFile(path); canary.Match(b) {
				t.Errorf("%s holds a test secret of the check", path)
			}
		}
		return nil
	})
	list, err := a.Plugins(ctx)
	if err != nil || len(list.Plugins) != 1 || !list.Plugins[0].Trusted {
		t.Errorf("the plugin checked first is trusted, as on any first use: %+v, %v", list, err)
	}
}

// Values the check cannot use are refused, naming the input and never
// repeating a value; a changed binary is refused as for any use, before
// any check runs.
func TestCheckPluginRefusals(t *testing.T) {
	ctx := testCtx(t)
	a, _, plugin := testApp(t)
	if _, err := a.Plugins(ctx); err != nil { // the binary becomes trusted
		t.Fatal(err)
	}
	for _, c := range []struct {
		in          CheckInput
		field, want string
	}{
		{CheckInput{Set: []string{"account_id"}}, "set", "write each value as KEY=VALUE"},
		{CheckInput{Set: []string{"token_secret=s3cr3t-value"}}, "set", "token_secret is a secret: the check gives every secret a test value of its own"},
		{CheckInput{Set: []string{"colour=blue"}}, "set", `Twitter Ads has no setting "colour"; its settings are consumer_key, consumer_secret`},
		{CheckInput{Set: []string{"Xk9-pasted/secret+value=1"}}, "set", "has no setting by the name given (not repeated"},
		{CheckInput{Public: []string{"colour"}}, "public", `Twitter Ads has no setting "colour"`},
	} {
		_, err := a.CheckPlugin(ctx, pluginType, c.in)
		var ie *InputError
		if !errors.As(err, &ie) || ie.Field != c.field || !strings.Contains(ie.Problem, c.want) ||
			strings.Contains(err.Error(), "s3cr3t") || strings.Contains(err.Error(), "pasted") {
			t.Errorf("CheckPlugin(%+v): %v", c.in, err)
		}
	}

	f, err := os.OpenFile(plugin, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("changed"))
	f.Close()
	var changed *plugins.ChangedError
	if _, err := a.CheckPlugin(ctx, pluginType, CheckInput{}); !errors.As(err, &changed) {
		t.Errorf("a changed binary: %v", err)
	}
}
