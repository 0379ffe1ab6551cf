package cli

import (
	"context"
	"strings"
	"testing"

	"github.com/openintegrator/integrator/host/app"
	"github.com/openintegrator/integrator/host/iostreams"
	"github.com/openintegrator/integrator/schema"
)

// fakeDraft is a draft over a schema alone: what it lacks is what the
// schema says is missing; files are recorded, not read.
type fakeDraft struct {
	spec  schema.Spec
	cfg   schema.Config
	files map[string]string
}

func (d *fakeDraft) Spec() schema.Spec        { return d.spec }
func (d *fakeDraft) Missing() []schema.Field  { return d.spec.Missing(d.cfg) }
func (d *fakeDraft) Optional() []schema.Field { return app.OptionalSettings(d.spec, d.cfg) }
func (d *fakeDraft) Set(key, text string) error {
	f, _ := d.spec.Field(key)
	v, err := schema.ParseValue(f, text)
	if err == nil {
		d.cfg[key] = v
	}
	return err
}
func (d *fakeDraft) SetFile(key, path string) error {
	d.files[key] = path
	d.cfg[key] = schema.StringValue("key from " + path)
	return nil
}

func newFakeDraft() *fakeDraft {
	return &fakeDraft{spec: formSpec(), cfg: schema.Config{"base_uri": schema.StringValue("https://api.example.com")}, files: map[string]string{}}
}

// The prompts ask only for what applies, each once its condition's field
// is known: the RSA key (from a file) after RSA is chosen, never the
// consumer secret; and the other way round for HMAC.
func TestPromptsAskOnlyWhatApplies(t *testing.T) {
	for _, tt := range []struct {
		answers   string
		asked     []string
		notAsked  []string
		check     func(*fakeDraft) bool
		checkWhat string
	}{
		{"RSA-SHA256\n/home/me/key.pem\n",
			[]string{"Signature method [HMAC-SHA1|RSA-SHA1|RSA-SHA256|RSA-SHA512|PLAINTEXT]: ", "Private key (the path of a file that holds it): "},
			[]string{"Consumer secret"},
			func(d *fakeDraft) bool {
				return d.files["private_key"] == "/home/me/key.pem" && d.cfg.Text("signature_method") == "RSA-SHA256"
			},
			"the key read from the file named"},
		{"hmac\nHMAC-SHA1\n\nc0nsumer-s3cret\n",
			[]string{"Signature method [", "Choose one of: HMAC-SHA1, RSA-SHA1, RSA-SHA256, RSA-SHA512, PLAINTEXT.", "Signature method [",
				"Consumer secret (input hidden): ", "Consumer secret is required."},
			[]string{"Private key"},
			func(d *fakeDraft) bool {
				return d.cfg.Text("consumer_secret") == "c0nsumer-s3cret" && len(d.files) == 0
			},
			"the secret typed"},
	} {
		ios, in, _, errOut := iostreams.Test()
		ios.SetStdinTTY(true)
		in.WriteString(tt.answers)
		d := newFakeDraft()
		if err := promptMissing(context.Background(), ios, d, false); err != nil {
			t.Fatalf("%q: %v\n%s", tt.answers, err, errOut)
		}
		got := errOut.String()
		from := 0
		for _, want := range tt.asked {
			i := strings.Index(got[from:], want)
			if i < 0 {
				t.Errorf("%q: %q not asked (in order) in:\n%s", tt.answers, want, got)
				continue
			}
			from += i + len(want)
		}
		for _, not := range tt.notAsked {
			if strings.Contains(got, not) {
				t.Errorf("%q: %s was asked for:\n%s", tt.answers, not, got)
			}
		}
		if !tt.check(d) {
			t.Errorf("%q: not %s: %v, files %v", tt.answers, tt.checkWhat, d.cfg, d.files)
		}
		if len(d.Missing()) != 0 {
			t.Errorf("%q: still missing %v", tt.answers, d.Missing())
		}
	}
}

// Without a terminal, the error lists what applies and says that a field
// others depend on may bring more.
func TestMissingWithoutATerminal(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	d := newFakeDraft()
	err := promptMissing(context.Background(), ios, d, false)
	want := "missing settings, and standard input is not a terminal to ask for them:\n" +
		"  signature_method (Signature method): give it with --set signature_method=VALUE\n" +
		"  (once given, signature_method may need more settings: see 'integrator connectors show form')"
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
	d.cfg["signature_method"] = schema.StringValue("RSA-SHA1")
	err = promptMissing(context.Background(), ios, d, false)
	want = "missing settings, and standard input is not a terminal to ask for them:\n" +
		"  private_key (Private key): give it with --secret-file private_key=FILE, --secret-env private_key=ENVVAR or --secrets-file FILE"
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
}

// A multi-line text and a key/value list are read line by line, up to an
// empty line.
func TestPromptLines(t *testing.T) {
	spec := schema.Spec{Type: "t", Name: "T", Version: "1", Fields: []schema.Field{
		{Key: "body", Label: "Body", Kind: schema.KindText, Required: true, View: schema.ViewSimple},
		{Key: "params", Label: "Params", Kind: schema.KindKeyValues, Required: true, View: schema.ViewSimple},
	}}
	ios, in, _, errOut := iostreams.Test()
	ios.SetStdinTTY(true)
	in.WriteString("{\n  \"a\": 1\n}\n\na=1\nb=2=3\n\n")
	d := &fakeDraft{spec: spec, cfg: schema.Config{}, files: map[string]string{}}
	if err := promptMissing(context.Background(), ios, d, false); err != nil {
		t.Fatal(err)
	}
	if got := d.cfg.Text("body"); got != "{\n  \"a\": 1\n}" {
		t.Errorf("body = %q", got)
	}
	if got := d.cfg.Text("params"); got != "a=1, b=2=3" {
		t.Errorf("params = %q", got)
	}
	if !strings.Contains(errOut.String(), "Params (one NAME=VALUE entry a line; give a secret value with --secret-env params.NAME=ENVVAR instead, then an empty line):") {
		t.Errorf("prompts:\n%s", errOut)
	}
}

// adsSpec is a schema in the shape of Twitter Ads': no sections, one
// required setting, optional ones with and without defaults.
func adsSpec() schema.Spec {
	return schema.Spec{Type: "ads", Name: "Ads", Version: "1.0.0", Fields: []schema.Field{
		{Key: "consumer_key", Label: "Consumer key", Kind: schema.KindString, Required: true, View: schema.ViewSimple},
		{Key: "account_id", Label: "Ads account ID", Kind: schema.KindString, View: schema.ViewSimple},
		{Key: "base_uri", Label: "Base URI", Kind: schema.KindURL, Default: "https://ads-api.x.com", View: schema.ViewHTTP},
		{Key: "api_version", Label: "API version", Kind: schema.KindString, Default: "12", View: schema.ViewHTTP},
	}}
}

// Once a required setting had to be asked for, the optional ones are
// offered, each with its default shown; Enter leaves one out. A command
// that lacks nothing asks nothing.
func TestPromptsOfferOptionalSettings(t *testing.T) {
	ios, in, _, errOut := iostreams.Test()
	ios.SetStdinTTY(true)
	in.WriteString("my-key\nacc-1\nhttp://127.0.0.1:8080\n\n")
	d := &fakeDraft{spec: adsSpec(), cfg: schema.Config{}, files: map[string]string{}}
	if err := promptMissing(context.Background(), ios, d, true); err != nil {
		t.Fatal(err)
	}
	got := errOut.String()
	from := 0
	for _, want := range []string{"Consumer key: ", "Optional settings: press Enter to leave one out (its default, if shown, applies).",
		"Ads account ID (optional): ", "Base URI (default https://ads-api.x.com): ", "API version (default 12): "} {
		i := strings.Index(got[from:], want)
		if i < 0 {
			t.Fatalf("%q not asked (in order) in:\n%s", want, got)
		}
		from += i + len(want)
	}
	if d.cfg.Text("consumer_key") != "my-key" || d.cfg.Text("account_id") != "acc-1" || d.cfg.Text("base_uri") != "http://127.0.0.1:8080" || d.cfg.Has("api_version") {
		t.Errorf("settings: %v", d.cfg)
	}

	ios, in, _, errOut = iostreams.Test()
	ios.SetStdinTTY(true)
	d = &fakeDraft{spec: adsSpec(), cfg: schema.Config{"consumer_key": schema.StringValue("k")}, files: map[string]string{}}
	if err := promptMissing(context.Background(), ios, d, true); err != nil || errOut.Len() != 0 {
		t.Errorf("nothing missing, yet asked: %v\n%s", err, errOut)
	}
	_ = in
}
