package cli

import (
	"bytes"
	"testing"

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
