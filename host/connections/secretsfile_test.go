package connections

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/openintegrator/integrator/schema"
)

// A secrets file is read as a .env file is: a value in matching quotes
// loses them (what is inside is kept as it is), a line may start with
// export, and a value without quotes is kept as it is.
func TestSecretsFileLikeDotEnv(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secrets.env")
	body := "# the app\n" +
		"user=\"ann lee\"\n" +
		"export password='p\"a ss'  \n" +
		"headers.X-Token=\"t'k\"\n" +
		"headers.X-Raw= spaced \"not quoted\n" +
		"headers.X-Empty=\"\"\n" +
		"headers.X-One=\"\n"
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := Collect(listSpec, nil, Input{SecretsFile: path}, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Text("user") != "ann lee" || cfg.Text("password") != `p"a ss` {
		t.Errorf("user %q, password %q", cfg.Text("user"), cfg.Text("password"))
	}
	want := []schema.KV{kv("X-Token", "t'k", true), kv("X-Raw", ` spaced "not quoted`, true), kv("X-Empty", "", true), kv("X-One", `"`, true)}
	if got, _ := cfg["headers"].Entries(); !cmp.Equal(want, got) {
		t.Errorf("entries (-want +got):\n%s", cmp.Diff(want, got))
	}
}

// A key that is not a setting is refused, naming it and the keys there
// are, a key/value list's as LIST.NAME.
func TestSecretsFileUnknownKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secrets.env")
	if err := os.WriteFile(path, []byte("user=ann\npasword=x\nheaders=y\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Collect(listSpec, nil, Input{SecretsFile: path}, func(string) string { return "" })
	want := "--secrets-file " + path + `, line 2: "pasword" is not a setting of List (the keys are user, headers.NAME, method, password, private_key, realm)` + "\n" +
		"headers (from " + path + "): Headers is a list of named values: give each entry as headers.NAME, with --set (or --secret-env, --secret-file or --secrets-file for a secret value)"
	if err == nil || err.Error() != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
}

// A secrets file others can read is refused, as --secret-file's is, and
// so is one too large to be a connection's settings; neither message
// holds the file's content.
func TestSecretsFileMustBePrivate(t *testing.T) {
	dir := t.TempDir()
	const secret = "s3cr3t-value-never-shown"
	open := filepath.Join(dir, "open.env")
	if err := os.WriteFile(open, []byte("password="+secret+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(open, 0o644); err != nil { // whatever the umask
		t.Fatal(err)
	}
	_, err := Collect(listSpec, nil, Input{SecretsFile: open}, func(string) string { return "" })
	want := "--secrets-file: " + open + " can be read by others (mode 0644): run chmod 600 " + open
	if err == nil || err.Error() != want {
		t.Errorf("got  %v\nwant %s", err, want)
	}
	big := filepath.Join(dir, "big.env")
	if err := os.WriteFile(big, []byte("password="+secret+strings.Repeat("x", 1<<20)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = Collect(listSpec, nil, Input{SecretsFile: big}, func(string) string { return "" })
	if err == nil || !strings.Contains(err.Error(), "larger than 1024 KiB") {
		t.Errorf("a file over the limit: got %v", err)
	}
	if err != nil && strings.Contains(err.Error(), secret) {
		t.Errorf("the message holds the file's content: %v", err)
	}
}
