package connections

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestShowable(t *testing.T) {
	for name, want := range map[string]bool{
		"TW_CONSUMER_SECRET": true, "TOKEN": true, "API_KEY2": true, "consumer_secret": true, "_X": true,
		"": false, "2FA": false, "a-b": false, "KEY2": false, "abc123": false,
		"Mkf564uuKyckGmytmxDhkn8Ian5SbvMdevX7lmkJvnClvQV6Qg": false, // a consumer secret: a valid variable name
		"4516851919448569-YOS0sOz4oiB4nwJrTnUlpFyikeyTnAB":   false,
		"JBSWY3DPEHPK3PXP":      false, // base32, upper case
		"hunter":                true,  // a word: indistinguishable from a name
		strings.Repeat("A", 65): false,
		"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8": false,
	} {
		if got := Showable(name); got != want {
			t.Errorf("Showable(%q) = %v, want %v", name, got, want)
		}
	}
}

// TestCollectNeverEchoesAPastedSecret: wherever a user may paste a secret
// in place of a name, the error names the flag but not what was pasted.
func TestCollectNeverEchoesAPastedSecret(t *testing.T) {
	const secret = "Mkf564uuKyckGmytmxDhkn8Ian5SbvMdevX7lmkJvnClvQV6Qg"
	dir := t.TempDir()
	file := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	noEnv := func(string) string { return "" }
	tests := map[string]struct {
		in   Input
		flag string
	}{
		"variable name":              {Input{SecretEnv: []string{"password=" + secret}}, "--secret-env password"},
		"variable name with a dash":  {Input{SecretEnv: []string{"password=" + secret + "-x"}}, "--secret-env password"},
		"no =":                       {Input{SecretEnv: []string{secret}}, "--secret-env"},
		"key":                        {Input{SecretEnv: []string{secret + "=PW"}}, "--secret-env"},
		"set without =":              {Input{Set: []string{secret}}, "--set"},
		"secrets file key":           {Input{SecretsFile: file("a.env", secret+"==\n")}, "--secrets-file"},
		"secrets file JSON key":      {Input{SecretsFile: file("a.json", `{"`+secret+`": "v"}`)}, "--secrets-file"},
		"secrets file JSON non-text": {Input{SecretsFile: file("b.json", `{"`+secret+`": {}}`)}, "--secrets-file"},
	}
	for name, tt := range tests {
		_, err := Collect(demoSpec, nil, tt.in, noEnv)
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("%s: the secret is echoed: %v", name, err)
		}
		if !strings.Contains(err.Error(), tt.flag) {
			t.Errorf("%s: the error does not name %s: %v", name, tt.flag, err)
		}
	}

	// Names that look like names are still shown: they help.
	_, err := Collect(demoSpec, nil, Input{SecretEnv: []string{"password=DEMO_PASSWORD"}}, noEnv)
	if err == nil || !strings.Contains(err.Error(), "the environment variable DEMO_PASSWORD is not set") {
		t.Errorf("unset variable: %v", err)
	}
	cfg, err := Collect(demoSpec, nil, Input{SecretEnv: []string{"password=Pw1"}}, func(n string) string { return map[string]string{"Pw1": "s3cret"}[n] })
	if err != nil || cfg.Text("password") != "s3cret" {
		t.Errorf("a set variable with an unusual name: %v", err)
	}
}
