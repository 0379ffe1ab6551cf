package e2e

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// masterKeyID is the id the integrator derives from a master key (see
// host/secrets), written here as the format it is.
func masterKeyID(t *testing.T, b64 string) string {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(b64))
	if err != nil || len(raw) != 32 {
		t.Fatalf("not a master key: %v", err)
	}
	sum := sha256.Sum256(append([]byte("integrator master key id\x00"), raw...))
	return hex.EncodeToString(sum[:8])
}

// storedKeyIDs lists the key ids beside the stored secrets.
func storedKeyIDs(t *testing.T, home string) []string {
	t.Helper()
	rows, err := openDB(t, home).Query(`SELECT DISTINCT key_id FROM connection_secrets ORDER BY key_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

// TestSavingUnderAnotherMasterKeyIsRefused: a connection created or edited
// under an INTEGRATOR_MASTER_KEY (or key file) that does not open the
// secrets already stored is refused, naming both keys and the fix, and
// nothing changes; keys rotate then still works.
func TestSavingUnderAnotherMasterKeyIsRefused(t *testing.T) {
	sim := launchSimulator(t)
	env, secretFlags := secretEnv(sim)
	other := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{8}, 32))
	otherID := masterKeyID(t, other)

	t.Run("env key over a key file", func(t *testing.T) {
		home := t.TempDir()
		mustRun(t, home, env, createArgs(sim, "a")...)
		mustRun(t, home, env, createArgs(sim, "b", "--no-test")...)
		fileKey, err := os.ReadFile(filepath.Join(home, "master.key"))
		if err != nil {
			t.Fatal(err)
		}
		fileID := masterKeyID(t, string(fileKey))
		withOther := append([]string{"INTEGRATOR_MASTER_KEY=" + other}, env...)

		// An edit replaces the connection's own secrets; b's stay.
		for _, args := range [][]string{
			createArgs(sim, "c"),
			append([]string{"connections", "edit", "a"}, secretFlags...),
		} {
			r := integrator(t, home, withOther, args...)
			if r.code == 0 {
				t.Fatalf("%s %s under another key: exit 0\n%s", args[0], args[1], r.stderr)
			}
			for _, want := range []string{otherID, fileID, "INTEGRATOR_MASTER_KEY", "keys rotate", "Nothing was changed"} {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("%s %s: stderr lacks %q:\n%s", args[0], args[1], want, r.stderr)
				}
			}
			if strings.Contains(r.stderr, other) {
				t.Errorf("the key itself is printed")
			}
		}
		if list := listConnections(t, home); len(list) != 2 {
			t.Errorf("connections after the refusals: %v", list)
		}
		if ids := storedKeyIDs(t, home); len(ids) != 1 || ids[0] != fileID {
			t.Errorf("stored key ids %v, want only %s", ids, fileID)
		}
		r := mustRun(t, home, nil, "keys", "rotate")
		if !strings.Contains(r.stderr, "Re-sealed 6 secrets") {
			t.Errorf("rotate: %s", r.stderr)
		}
		mustRun(t, home, nil, "connections", "test", "a")
	})

	t.Run("key file over an env key", func(t *testing.T) {
		home := t.TempDir()
		mustRun(t, home, append([]string{"INTEGRATOR_MASTER_KEY=" + other}, env...), createArgs(sim, "a")...)
		r := integrator(t, home, env, createArgs(sim, "b")...)
		if r.code == 0 || !strings.Contains(r.stderr, otherID) || !strings.Contains(r.stderr, filepath.Join(home, "master.key")) {
			t.Errorf("exit %d\n%s", r.code, r.stderr)
		}
		if ids := storedKeyIDs(t, home); len(ids) != 1 || ids[0] != otherID {
			t.Errorf("stored key ids %v, want only %s", ids, otherID)
		}
		mustRun(t, home, []string{"INTEGRATOR_MASTER_KEY=" + other}, "connections", "test", "a")
	})
}

// TestConcurrentKeyRotations starts key rotations at once, several times:
// each one finishes (the later ones wait for the key lock and rotate the
// key the earlier ones installed), and every secret opens with the final
// key file.
func TestConcurrentKeyRotations(t *testing.T) {
	sim := launchSimulator(t)
	env, _ := secretEnv(sim)
	home := t.TempDir()
	mustRun(t, home, env, createArgs(sim, "a")...)
	mustRun(t, home, env, createArgs(sim, "b", "--no-test")...)
	keyFile := filepath.Join(home, "master.key")
	first, _ := os.ReadFile(keyFile)

	const rounds, each = 3, 3
	for round := range rounds {
		var wg sync.WaitGroup
		results := make([]result, each)
		for i := range each {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i] = integrator(t, home, nil, "keys", "rotate")
			}()
		}
		wg.Wait()
		for i, r := range results {
			if r.code != 0 || !strings.Contains(r.stderr, "Re-sealed 6 secrets") {
				t.Errorf("round %d, rotation %d: exit %d\n%s", round, i, r.code, r.stderr)
			}
		}
	}
	last, _ := os.ReadFile(keyFile)
	if bytes.Equal(first, last) {
		t.Error("the key file never changed")
	}
	if _, err := os.Stat(keyFile + ".new"); !os.IsNotExist(err) {
		t.Errorf("a pending key is left: %v", err)
	}
	lastID := masterKeyID(t, string(last))
	if ids := storedKeyIDs(t, home); len(ids) != 1 || ids[0] != lastID {
		t.Errorf("stored key ids %v, want only the key file's %s", ids, lastID)
	}
	mustRun(t, home, nil, "connections", "test", "a")
	mustRun(t, home, nil, "connections", "test", "b")
}

// TestPastedSecretsAreNeverEchoed gives the secret itself where a name
// belongs (--secret-env KEY=NAME, --secret-env KEY, --new-key-env NAME, a
// key of --secrets-file, --set): the command fails, names the flag, and
// the secret appears in neither stdout nor stderr.
func TestPastedSecretsAreNeverEchoed(t *testing.T) {
	sim := launchSimulator(t)
	home := t.TempDir()
	env, _ := secretEnv(sim)
	mustRun(t, home, env, createArgs(sim, "a", "--no-test")...)
	var raw [32]byte
	for i := range raw {
		raw[i] = byte(i * 7)
	}
	masterKey := base64.StdEncoding.EncodeToString(raw[:])
	base := []string{"connections", "create", "--type", "twitter-ads", "--name", "x", "--no-test",
		"--set", "consumer_key=" + sim.ConsumerKey, "--set", "base_uri=" + sim.URL}
	dir := t.TempDir()
	file := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	withBase64 := sim.TokenSecret + "=="
	tests := []struct {
		name   string
		args   []string
		secret string
		flag   string
	}{
		// The consumer secret is letters and digits: a valid variable name.
		{"secret as the variable name", append(base, "--secret-env", "consumer_secret="+sim.ConsumerSecret), sim.ConsumerSecret, "--secret-env consumer_secret"},
		{"token as the variable name", append(base, "--secret-env", "access_token="+sim.AccessToken), sim.AccessToken, "--secret-env access_token"},
		{"secret without KEY=", append(base, "--secret-env", sim.TokenSecret), sim.TokenSecret, "--secret-env"},
		{"secret as the key", append(base, "--secret-env", sim.TokenSecret+"=TW_TS"), sim.TokenSecret, "--secret-env"},
		{"secret on edit", []string{"connections", "edit", "a", "--secret-env", "token_secret=" + sim.TokenSecret}, sim.TokenSecret, "--secret-env token_secret"},
		{"secrets file line without a key", append(base, "--secrets-file", file("line.env", sim.ConsumerSecret+"\n")), sim.ConsumerSecret, "--secrets-file"},
		{"secrets file line of a base64 secret", append(base, "--secrets-file", file("b64.env", withBase64+"\n")), sim.TokenSecret, "--secrets-file"},
		{"secrets file JSON key", append(base, "--secrets-file", file("s.json", `{"`+sim.ConsumerSecret+`": "x"}`)), sim.ConsumerSecret, "--secrets-file"},
		{"secrets file JSON value of another type", append(base, "--secrets-file", file("t.json", `{"`+sim.ConsumerSecret+`": [1]}`)), sim.ConsumerSecret, "--secrets-file"},
		{"set without =", append(base, "--set", sim.ConsumerSecret), sim.ConsumerSecret, "--set"},
		{"key as --new-key-env", []string{"keys", "rotate", "--new-key-env", masterKey}, masterKey, "--new-key-env"},
		{"key as --new-key-env without padding", []string{"keys", "rotate", "--new-key-env", strings.TrimRight(masterKey, "=")}, strings.TrimRight(masterKey, "="), "--new-key-env"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := integrator(t, home, nil, tt.args...)
			if r.code == 0 {
				t.Fatalf("exit 0\n%s", r.stderr)
			}
			if strings.Contains(r.stdout+r.stderr, tt.secret) {
				t.Errorf("the pasted secret is echoed:\n%s", r.stderr)
			}
			if !strings.Contains(r.stderr, tt.flag) {
				t.Errorf("stderr does not name %s:\n%s", tt.flag, r.stderr)
			}
		})
	}
	if list := listConnections(t, home); len(list) != 1 {
		t.Errorf("connections: %v", list)
	}
}

// TestMissingKeyFileIsNotReplaced: with the key file gone and secrets in
// the store, no command makes a new key (which could never open them):
// each says to put the key back, and nothing changes.
func TestMissingKeyFileIsNotReplaced(t *testing.T) {
	sim := launchSimulator(t)
	env, _ := secretEnv(sim)
	home := t.TempDir()
	mustRun(t, home, env, createArgs(sim, "a", "--no-test")...)
	key, err := os.ReadFile(filepath.Join(home, "master.key"))
	if err != nil {
		t.Fatal(err)
	}
	id := masterKeyID(t, string(key))
	if err := os.Rename(filepath.Join(home, "master.key"), filepath.Join(t.TempDir(), "backup")); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{createArgs(sim, "b", "--no-test"), {"connections", "test", "a"}, {"keys", "rotate"}} {
		r := integrator(t, home, env, args...)
		if r.code == 0 || !strings.Contains(r.stderr, "master key file") || !strings.Contains(r.stderr, id) {
			t.Errorf("%v: exit %d\n%s", args, r.code, r.stderr)
		}
		if _, err := os.Stat(filepath.Join(home, "master.key")); !os.IsNotExist(err) {
			t.Fatalf("%v made a new key file", args)
		}
	}
	writeFile(t, filepath.Join(home, "master.key"), string(key))
	mustRun(t, home, env, "connections", "test", "a")
}
