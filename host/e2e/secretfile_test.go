package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sfWrite writes a secret file with the given mode (umask aside).
func sfWrite(t *testing.T, dir, name, body string, mode os.FileMode) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(body), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
	return path
}

// sfNoSecretsUnder fails when a credential of s is in any file under dir
// (the database, its WAL and journal, the logs).
func sfNoSecretsUnder(t *testing.T, dir string, s simInfo) {
	t.Helper()
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !d.Type().IsRegular() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return nil // a socket or a file that went away
		}
		noSecretsIn(t, path, string(b), s)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Secrets read from files with --secret-file make a working connection
// (created, tested and used against the simulator, edited), and no
// command shows them; a file others can read, or a path that names no
// file, is refused naming the fix, echoing nothing and saving nothing.
func TestSecretFile(t *testing.T) {
	sim := launchSimulator(t)
	home := t.TempDir()
	files := t.TempDir()
	// Files as editors and echo write them: with a final line break.
	cs := sfWrite(t, files, "consumer_secret", sim.ConsumerSecret+"\n", 0o600)
	ts := sfWrite(t, files, "token_secret", sim.TokenSecret+"\n", 0o400)
	at := sfWrite(t, files, "access_token", sim.AccessToken+"\r\n", 0o600)
	base := []string{"connections", "create", "--type", "twitter-ads", "--name", "filed",
		"--set", "consumer_key=" + sim.ConsumerKey, "--set", "base_uri=" + sim.URL, "--set", "account_id=" + sim.AccountID}

	var outputs []string
	open := sfWrite(t, files, "open", sim.AccessToken+"\n", 0o644)
	r := integrator(t, home, nil, append(base, "--secret-file", "consumer_secret="+cs, "--secret-file", "token_secret="+ts,
		"--secret-file", "access_token="+open)...)
	outputs = append(outputs, r.stdout, r.stderr)
	if want := "--secret-file access_token: " + open + " can be read by others (mode 0644): run chmod 600 " + open; r.code == 0 ||
		!strings.Contains(r.stderr, want) {
		t.Errorf("a file others can read: exit %d\n%s\nwant %s", r.code, r.stderr, want)
	}
	r = integrator(t, home, nil, append(base, "--secret-file", "consumer_secret="+sim.ConsumerSecret,
		"--secret-env", "access_token=X", "--secret-env", "token_secret=X")...)
	outputs = append(outputs, r.stdout, r.stderr)
	if r.code == 0 || !strings.Contains(r.stderr, "--secret-file consumer_secret: no file of that name exists (it is not repeated here") {
		t.Errorf("a secret pasted in place of the path: exit %d\n%s", r.code, r.stderr)
	}
	if list := listConnections(t, home); len(list) != 0 {
		t.Fatalf("a refused create saved %v", list)
	}

	r = mustRun(t, home, nil, append(base, "--secret-file", "consumer_secret="+cs, "--secret-file", "token_secret="+ts,
		"--secret-file", "access_token="+at)...)
	outputs = append(outputs, r.stdout, r.stderr)
	if !strings.Contains(r.stderr, "Connection test: ok") || !strings.Contains(r.stderr, `Saved connection "filed"`) {
		t.Errorf("create:\n%s", r.stderr)
	}
	r = mustRun(t, home, nil, "api", "filed", "accounts/"+sim.AccountID)
	outputs = append(outputs, r.stdout, r.stderr)
	if !strings.Contains(r.stdout, sim.AccountID) {
		t.Errorf("api through the connection: %s", r.stdout)
	}
	r = mustRun(t, home, nil, "connections", "edit", "filed", "--secret-file", "consumer_secret="+cs, "--secret-file", "token_secret="+ts,
		"--secret-file", "access_token="+at)
	outputs = append(outputs, r.stdout, r.stderr)
	for _, args := range [][]string{{"connections", "show", "filed"}, {"connections", "show", "filed", "--json"}, {"connections", "test", "filed"}} {
		r = mustRun(t, home, nil, args...)
		outputs = append(outputs, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "Connection test: ok") {
		t.Errorf("test after the edit:\n%s", r.stderr)
	}
	for _, out := range outputs {
		noSecretsIn(t, "output", out, sim)
	}
	sfNoSecretsUnder(t, home, sim)
}
