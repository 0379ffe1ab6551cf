package cli

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/cobra"
)

// complete asks for the completions of args as the shell scripts do,
// through the hidden __complete command, and returns them (descriptions
// after a tab) and the directive line.
func (c *cliTest) complete(args ...string) ([]string, string) {
	c.t.Helper()
	r := c.mustRun(append([]string{cobra.ShellCompRequestCmd}, args...)...)
	out := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if len(out) == 1 {
		return nil, out[0]
	}
	return out[:len(out)-1], out[len(out)-1]
}

// Shell completion completes connection names, connector types, setting
// keys after --set (from the connector's schema) and the values of flags
// with fixed choices; the scripts for the four shells are written.
func TestCompletion(t *testing.T) {
	c := newCLI(t, true)
	c.createConnection("prod")
	c.createConnection("Staging")
	const noFile, noSpace = ":4", ":6"
	for _, tt := range []struct {
		args      []string
		want      []string
		directive string
	}{
		{[]string{"connections", "show", ""}, []string{"prod\ttwitter-ads", "Staging\ttwitter-ads"}, noFile},
		{[]string{"connections", "delete", "st"}, []string{"Staging\ttwitter-ads"}, noFile},
		{[]string{"export", "p"}, []string{"prod\ttwitter-ads"}, noFile},
		{[]string{"export", "prod", ""}, nil, noFile},
		{[]string{"report", ""}, []string{"prod\ttwitter-ads", "Staging\ttwitter-ads"}, noFile},
		{[]string{"connectors", "show", ""}, []string{"twitter-ads\tTwitter Ads"}, noFile},
		{[]string{"plugins", "trust", "tw"}, []string{"twitter-ads\tTwitter Ads"}, noFile},
		{[]string{"connections", "create", "--type", ""}, []string{"twitter-ads\tTwitter Ads"}, noFile},
		{[]string{"connections", "create", "--type", "twitter-ads", "--set", ""},
			[]string{"consumer_key=\tConsumer key", "account_id=\tAds account ID", "base_uri=\tBase URI", "api_version=\tAPI version"}, noSpace},
		{[]string{"connections", "create", "--type", "twitter-ads", "--secret-env", ""},
			[]string{"consumer_secret=\tConsumer secret", "access_token=\tAccess token", "token_secret=\tToken secret"}, noSpace},
		{[]string{"connections", "create", "--set", ""}, nil, noFile}, // no --type yet: no keys
		{[]string{"connections", "edit", "prod", "--set", "a"}, []string{"account_id=\tAds account ID", "api_version=\tAPI version"}, noSpace},
		{[]string{"connections", "edit", "prod", "--unset", ""}, []string{"account_id\tAds account ID", "base_uri\tBase URI", "api_version\tAPI version"}, noFile},
		{[]string{"plugins", "check", "twitter-ads", "--set", "b"}, []string{"base_uri=\tBase URI"}, noSpace},
		{[]string{"--log-level", ""}, []string{"trace", "debug", "info", "warn", "error", "off"}, noFile},
		{[]string{"export", "prod", "x", "--progress", ""}, []string{"auto", "plain", "none"}, noFile},
		{[]string{"import", "prod", "-X", ""}, []string{"POST", "PUT", "DELETE"}, noFile},
		{[]string{"import", "prod", "x", "--as", ""}, []string{"query", "form", "json"}, noFile},
		{[]string{"report", "prod", "--granularity", ""}, []string{"DAY", "HOUR", "TOTAL"}, noFile},
		{[]string{"conn", ""}, nil, ""}, // subcommands, as cobra completes them
	} {
		got, directive := c.complete(tt.args...)
		if tt.directive == "" {
			if !slices.ContainsFunc(got, func(s string) bool { return strings.HasPrefix(s, "create\t") }) {
				t.Errorf("%q: %q", tt.args, got)
			}
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" || directive != tt.directive {
			t.Errorf("%q: directive %s (want %s)\n%s", tt.args, directive, tt.directive, diff)
		}
	}
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		r := c.mustRun("completion", shell)
		if !strings.Contains(r.stdout, "integrator") || !strings.Contains(r.stdout, "__complete") {
			t.Errorf("completion %s wrote:\n%.300s", shell, r.stdout)
		}
	}
}

// After KEY= the options of an enum (or true and false) are completed;
// a key/value list is completed as LIST. for its entries.
func TestSettingCompletions(t *testing.T) {
	spec := formSpec()
	got, d := settingCompletions(spec, plainKeys, "")
	want := []string{"base_uri=\tBase URI", "headers.\tHeaders", "signature_method=\tSignature method", "concurrency=\tConcurrency"}
	if diff := cmp.Diff(want, got); diff != "" || d != noFiles|cobra.ShellCompDirectiveNoSpace {
		t.Errorf("keys (directive %d):\n%s", d, diff)
	}
	got, _ = settingCompletions(spec, plainKeys, "signature_method=RSA")
	if diff := cmp.Diff([]string{"signature_method=RSA-SHA1", "signature_method=RSA-SHA256", "signature_method=RSA-SHA512"}, got); diff != "" {
		t.Error(diff)
	}
	got, _ = settingCompletions(spec, secretKeys, "")
	if diff := cmp.Diff([]string{"headers.\tHeaders", "consumer_secret=\tConsumer secret", "private_key=\tPrivate key"}, got); diff != "" {
		t.Error(diff)
	}
	if got, _ := settingCompletions(spec, plainKeys, "consumer_secret="); got != nil {
		t.Errorf("a secret's value completed: %q", got)
	}
}
