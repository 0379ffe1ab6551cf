package e2e

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

// openDB opens the integrator's database directly, as an attacker with the
// file would.
func openDB(t *testing.T, home string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(home, "integrator.db")+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestTamperedSwappedAndWrongKey(t *testing.T) {
	sim := launchSimulator(t)
	env, _ := secretEnv(sim)
	const integrity = "a stored secret failed its integrity check"

	t.Run("tampered ciphertext", func(t *testing.T) {
		home := t.TempDir()
		// The connection points at a server that counts what reaches it.
		var hits atomic.Int32
		api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
		defer api.Close()
		mustRun(t, home, env, createArgs(sim, "c", "--set", "base_uri="+api.URL, "--no-test")...)
		db := openDB(t, home)
		var ct []byte
		if err := db.QueryRow(`SELECT ciphertext FROM connection_secrets WHERE key = 'token_secret'`).Scan(&ct); err != nil {
			t.Fatal(err)
		}
		ct[len(ct)/2] ^= 0x01
		if _, err := db.Exec(`UPDATE connection_secrets SET ciphertext = ? WHERE key = 'token_secret'`, ct); err != nil {
			t.Fatal(err)
		}
		r := integrator(t, home, nil, "connections", "test", "c")
		if r.code != 1 || !strings.Contains(r.stderr, `connection "c", setting token_secret: `+integrity) {
			t.Errorf("exit %d\n%s", r.code, r.stderr)
		}
		if r := integrator(t, home, nil, "api", "c", "accounts"); r.code != 1 || !strings.Contains(r.stderr, integrity) {
			t.Errorf("api: exit %d\n%s", r.code, r.stderr)
		}
		if n := hits.Load(); n != 0 {
			t.Errorf("%d requests reached the API with a broken secret", n)
		}
	})

	t.Run("ciphertext swapped between fields", func(t *testing.T) {
		home := t.TempDir()
		mustRun(t, home, env, createArgs(sim, "c")...)
		db := openDB(t, home)
		if _, err := db.Exec(`UPDATE connection_secrets SET nonce = (SELECT nonce FROM connection_secrets WHERE key = 'consumer_secret'),
			ciphertext = (SELECT ciphertext FROM connection_secrets WHERE key = 'consumer_secret') WHERE key = 'token_secret'`); err != nil {
			t.Fatal(err)
		}
		r := integrator(t, home, nil, "connections", "test", "c")
		if r.code != 1 || !strings.Contains(r.stderr, integrity) {
			t.Errorf("exit %d\n%s", r.code, r.stderr)
		}
	})

	t.Run("ciphertext copied to another connection", func(t *testing.T) {
		home := t.TempDir()
		mustRun(t, home, env, createArgs(sim, "a")...)
		mustRun(t, home, env, createArgs(sim, "b")...)
		db := openDB(t, home)
		if _, err := db.Exec(`UPDATE connection_secrets SET nonce = s.nonce, ciphertext = s.ciphertext
			FROM (SELECT cs.key, cs.nonce, cs.ciphertext FROM connection_secrets cs JOIN connections c ON c.id = cs.connection_id WHERE c.name = 'a') AS s
			WHERE connection_secrets.key = s.key AND connection_secrets.connection_id = (SELECT id FROM connections WHERE name = 'b')`); err != nil {
			t.Fatal(err)
		}
		mustRun(t, home, nil, "connections", "test", "a")
		if r := integrator(t, home, nil, "connections", "test", "b"); r.code != 1 || !strings.Contains(r.stderr, integrity) {
			t.Errorf("exit %d\n%s", r.code, r.stderr)
		}
	})

	t.Run("wrong master key", func(t *testing.T) {
		home := t.TempDir()
		key := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32))
		other := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{8}, 32))
		mustRun(t, home, append(env, "INTEGRATOR_MASTER_KEY="+key), createArgs(sim, "c")...)
		if _, err := os.Stat(filepath.Join(home, "master.key")); !os.IsNotExist(err) {
			t.Errorf("a key file was written although the key came from the environment")
		}
		mustRun(t, home, []string{"INTEGRATOR_MASTER_KEY=" + key}, "connections", "test", "c")
		r := integrator(t, home, []string{"INTEGRATOR_MASTER_KEY=" + other}, "connections", "test", "c")
		if r.code != 1 || !strings.Contains(r.stderr, integrity) || strings.Contains(r.stderr, other) {
			t.Errorf("exit %d\n%s", r.code, r.stderr)
		}
	})
}

func TestKeysRotate(t *testing.T) {
	sim := launchSimulator(t)
	env, _ := secretEnv(sim)
	home := t.TempDir()
	mustRun(t, home, env, createArgs(sim, "a")...)
	mustRun(t, home, env, createArgs(sim, "b")...)
	oldKey, err := os.ReadFile(filepath.Join(home, "master.key"))
	if err != nil {
		t.Fatal(err)
	}
	r := mustRun(t, home, nil, "keys", "rotate")
	if !strings.Contains(r.stderr, "Re-sealed 6 secrets") {
		t.Errorf("rotate: %s", r.stderr)
	}
	newKey, _ := os.ReadFile(filepath.Join(home, "master.key"))
	if bytes.Equal(oldKey, newKey) {
		t.Fatal("the key file did not change")
	}
	info, _ := os.Stat(filepath.Join(home, "master.key"))
	if info.Mode().Perm() != 0o600 {
		t.Errorf("new key file mode %v", info.Mode().Perm())
	}
	mustRun(t, home, nil, "connections", "test", "a")
	mustRun(t, home, nil, "connections", "test", "b")
	// The old key no longer opens anything.
	if r := integrator(t, home, []string{"INTEGRATOR_MASTER_KEY=" + strings.TrimSpace(string(oldKey))}, "connections", "test", "a"); r.code != 1 {
		t.Errorf("the old key still works: %s", r.stderr)
	}

	// With the key in the environment, the new one comes from --new-key-env.
	envHome := t.TempDir()
	k1 := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{1}, 32))
	k2 := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{2}, 32))
	mustRun(t, envHome, append(env, "INTEGRATOR_MASTER_KEY="+k1), createArgs(sim, "e")...)
	if r := integrator(t, envHome, []string{"INTEGRATOR_MASTER_KEY=" + k1}, "keys", "rotate"); r.code == 0 || !strings.Contains(r.stderr, "--new-key-env") {
		t.Errorf("rotate without a new key: %d %s", r.code, r.stderr)
	}
	r = mustRun(t, envHome, []string{"INTEGRATOR_MASTER_KEY=" + k1, "NEW_KEY=" + k2}, "keys", "rotate", "--new-key-env", "NEW_KEY")
	if !strings.Contains(r.stderr, "Now set INTEGRATOR_MASTER_KEY to the value of NEW_KEY") || strings.Contains(r.stderr, k2) {
		t.Errorf("rotate stderr: %s", r.stderr)
	}
	mustRun(t, envHome, []string{"INTEGRATOR_MASTER_KEY=" + k2}, "connections", "test", "e")
}

// TestConcurrentCreates runs two integrator processes creating connections
// at once: none may be lost and the database must stay sound.
func TestConcurrentCreates(t *testing.T) {
	sim := launchSimulator(t)
	env, _ := secretEnv(sim)
	home := t.TempDir()
	mustRun(t, home, env, createArgs(sim, "first", "--no-test")...) // creates the key file and database
	const each = 6
	var wg sync.WaitGroup
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				name := "w" + strconv.Itoa(w) + "-" + strconv.Itoa(i)
				if r := integrator(t, home, env, createArgs(sim, name, "--no-test")...); r.code != 0 {
					t.Errorf("%s: %s", name, r.stderr)
				}
			}
		}()
	}
	wg.Wait()
	if list := listConnections(t, home); len(list) != 2*each+1 {
		t.Errorf("%d connections, want %d", len(list), 2*each+1)
	}
	var check string
	if err := openDB(t, home).QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity_check: %q %v", check, err)
	}
}

// TestCanary runs every connection command at log level trace and proves
// that no secret value appears in stdout, stderr, any file under
// INTEGRATOR_HOME (database, WAL, journal), or the plugin's argv and
// environment.
func TestCanary(t *testing.T) {
	sim := launchSimulator(t, "--fault", "slow,delay=1500ms,path=/accounts/,times=1")
	env, secretFlags := secretEnv(sim)
	home := t.TempDir()
	trace := []string{"INTEGRATOR_LOG_LEVEL=trace"}
	var outputs []string
	run := func(extra []string, args ...string) {
		r := integrator(t, home, append(append([]string{}, trace...), extra...), args...)
		if r.code != 0 {
			t.Fatalf("%v: exit %d\n%s", args, r.code, r.stderr)
		}
		outputs = append(outputs, r.stdout, r.stderr)
	}

	// The first command hits the slow fault: look at the plugin process
	// while it runs.
	procs := make(chan []string, 1)
	go func() { procs <- watchPluginProcesses(5 * time.Second) }()
	run(env, createArgs(sim, "canary")...)
	seen := <-procs
	if len(seen) == 0 {
		t.Error("never saw the plugin process; argv and environment unchecked")
	} else if environ := strings.Split(seen[1], "\x00"); !slices.Contains(environ, "GOMAXPROCS=1") {
		t.Errorf("the plugin does not run with GOMAXPROCS=1: %q", environ)
	}
	outputs = append(outputs, seen...)

	run(nil, "connections", "list")
	run(nil, "connections", "show", "canary")
	run(nil, "connections", "show", "canary", "--json")
	run(env, append([]string{"connections", "edit", "canary"}, secretFlags...)...)
	run(nil, "connections", "test", "canary")
	run(nil, "api", "canary", "accounts/"+sim.AccountID)
	run(nil, "api", "canary", "--include", "accounts/"+sim.AccountID+"/campaigns", "-F", "count=1")
	run(nil, "keys", "rotate")
	run(nil, "connections", "test", "canary")
	if !strings.Contains(strings.Join(outputs, ""), "[TRACE]") {
		t.Error("no trace-level log lines were written; the scan proves little")
	}

	secretValues := map[string]string{"consumer_secret": sim.ConsumerSecret, "access_token": sim.AccessToken, "token_secret": sim.TokenSecret}
	for i, out := range outputs {
		for name, v := range secretValues {
			if strings.Contains(out, v) {
				t.Errorf("output %d contains the %s", i, name)
			}
		}
	}
	err := filepath.Walk(home, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for name, v := range secretValues {
			if bytes.Contains(b, []byte(v)) {
				t.Errorf("%s contains the %s in clear", path, name)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// watchPluginProcesses polls /proc until it finds a running plugin process
// or the time is up, and returns its argv and environment.
func watchPluginProcesses(limit time.Duration) []string {
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	plugin := filepath.Join(bin, "plugins", "integrator-connector-twitter-ads")
	for ctx.Err() == nil {
		entries, _ := os.ReadDir("/proc")
		for _, e := range entries {
			if pid, err := strconv.Atoi(e.Name()); err != nil || svArgv0(pid) != plugin {
				continue
			}
			cmdline, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
			environ, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
			if len(environ) > 0 {
				return []string{string(cmdline), string(environ)}
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return nil
}
