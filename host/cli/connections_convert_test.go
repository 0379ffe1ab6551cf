package cli

import (
	"bytes"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/openintegrator/integrator/host/app"
)

// A conversion reads on the command line as its settings (each secret as
// (set), each carried from another setting with its source), the
// secrets carried over by name, what was left behind and what changes.
func TestPrintConverted(t *testing.T) {
	var b bytes.Buffer
	printConverted(&b, app.Converted{Name: "Prod", From: "ads", To: "generic",
		Settings: []app.ConvertedSetting{
			{Key: "base_uri", Value: "https://ads.example.com/12"},
			{Key: "consumer_key", Value: "ck", From: "key"},
			{Key: "consumer_secret", Value: "(set)", Secret: true, From: "consumer_secret"},
			{Key: "token_secret", Value: "(set)", Secret: true, From: "token_secret"},
		},
		LeftBehind: []string{"account_id"},
		Notes:      []string{"Reports stay with Ads: a generic connection has no report jobs, and this sentence is long enough to wrap."},
	})
	want := `Settings of "Prod" as generic:
  base_uri         https://ads.example.com/12
  consumer_key     ck  (from key)
  consumer_secret  (set)
  token_secret     (set)
Secrets carried over, never shown: consumer_secret, token_secret
Left behind (generic has no such setting): account_id
What changes:
  - Reports stay with Ads: a generic connection has no report jobs, and this
    sentence is long enough to wrap.
`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestConvertErrorWording(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want string
	}{
		{&app.NoConversionError{Name: "Prod", From: "ads", To: "x", Targets: []string{"generic"}},
			`connection "Prod" cannot be converted to x: ads connections convert to generic (see 'integrator connectors show ads')`},
		{&app.InputError{Field: "to", Problem: "name the connector type to convert the connection to"}, "--to: name the connector type to convert the connection to"},
		{&app.InUseError{Name: "Prod", Converting: true}, `connection "Prod": a run started using it just now; nothing was changed`},
	} {
		if got := commandError(tt.err); got.Error() != tt.want {
			t.Errorf("%T:\n got %q\nwant %q", tt.err, got, tt.want)
		}
	}
}

// A dry run says that it changed nothing and what converting for real
// would do: test and save, or, while a run uses the connection, refuse.
func TestPrintDryRunEnd(t *testing.T) {
	var free, busy bytes.Buffer
	printDryRunEnd(&free, app.Converted{Name: "Prod", DryRun: true})
	since := time.Date(2026, 1, 2, 3, 4, 5, 0, time.Local)
	printDryRunEnd(&busy, app.Converted{Name: "Prod", DryRun: true, Work: app.Work{Running: []app.Run{
		{What: "export of accounts/a1/campaigns to /tmp/c.jsonl", PID: 42, Host: "box", Since: since}}}})
	for got, want := range map[string]string{
		free.String(): "Dry run: connection \"Prod\" was not changed. Without --dry-run the settings above are tested, then saved.\n",
		busy.String(): "Dry run: connection \"Prod\" was not changed. Without --dry-run it would be refused now: it is in use by 1 run:\n" +
			"  - export of accounts/a1/campaigns to /tmp/c.jsonl, run by integrator (pid 42 on box) since 2026-01-02 03:04:05\n" +
			"Convert it once they have ended.\n",
	} {
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	}
}
