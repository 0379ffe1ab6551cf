package cli

import (
	"strings"
	"testing"
)

// A connection name or connector type that does not exist is refused
// with the existing names it may have meant, by every command that takes
// one.
func TestDidYouMean(t *testing.T) {
	c := newCLI(t, true)
	c.createConnection("prod")
	c.createConnection("staging")
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"connections", "show", "prd"}, `no such connection: "prd"; did you mean "prod"? (see 'integrator connections list')`},
		{[]string{"connections", "test", "stagin"}, `no such connection: "stagin"; did you mean "staging"?`},
		{[]string{"connections", "delete", "Prd"}, `no such connection: "Prd"; did you mean "prod"?`},
		{[]string{"export", "prd", "accounts"}, `no such connection: "prd"; did you mean "prod"?`},
		{[]string{"api", "prod-1", "accounts"}, `no such connection: "prod-1"; did you mean "prod"?`},
		{[]string{"connections", "show", "other"}, `no such connection: "other" (see 'integrator connections list')`},
		{[]string{"connectors", "show", "twiter-ads"}, `unknown connector type "twiter-ads"; did you mean "twitter-ads"? (known types: twitter-ads; see 'integrator connectors list')`},
		{[]string{"connections", "create", "--type", "twitter", "--name", "x"}, `unknown connector type "twitter"; did you mean "twitter-ads"?`},
		{[]string{"plugins", "check", "Twitter-Ads"}, `unknown connector type "Twitter-Ads"; did you mean "twitter-ads"?`},
	} {
		r := c.run(tt.args...)
		if r.err == nil || !strings.HasPrefix(r.err.Error(), tt.want) {
			t.Errorf("%v: err = %q, want it to start with %q", tt.args, errText(r.err), tt.want)
		}
	}
}
