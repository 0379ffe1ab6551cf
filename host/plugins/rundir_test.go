package plugins

import (
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

func TestRunBase(t *testing.T) {
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	long := "/home/" + strings.Repeat("x", 60)
	tmp := filepath.Join(os.TempDir(), "integrator-"+strconv.Itoa(os.Geteuid()))
	for _, c := range []struct {
		name   string
		getenv func(string) string
		home   string
		want   string
	}{
		{"XDG_RUNTIME_DIR first", env("XDG_RUNTIME_DIR", "/run/user/1000"), "/home/a/.local/share/integrator", "/run/user/1000/integrator"},
		{"else the home", env(), "/home/a/.local/share/integrator", "/home/a/.local/share/integrator/run"},
		{"a relative XDG_RUNTIME_DIR is ignored", env("XDG_RUNTIME_DIR", "run"), "/h", "/h/run"},
		{"a home too long for a socket path", env(), long, tmp},
	} {
		got, err := RunBase(c.getenv, c.home)
		if err != nil || got != c.want {
			t.Errorf("%s: %q %v, want %q", c.name, got, err, c.want)
		}
	}
}

func TestRunDirIsPrivateLockedAndSweptOnceItsHostIsGone(t *testing.T) {
	if runtime.GOOS != "linux" && runtime.GOOS != "darwin" {
		t.Skip("needs flock")
	}
	base := filepath.Join(t.TempDir(), "run")
	a, err := OpenRunDir(base)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	for _, d := range []string{base, a.Path} {
		if info, err := os.Lstat(d); err != nil || !info.IsDir() || info.Mode().Perm() != 0o700 {
			t.Errorf("%s: %v %v, want a folder of mode 0700", d, info, err)
		}
	}
	// The folder of a host that was killed: no one holds its lock.
	stale := filepath.Join(base, runDirPrefix+"123")
	if err := os.MkdirAll(filepath.Join(stale, "plugin-dir1"), 0o700); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(base, "not-a-host-folder")
	if err := os.Mkdir(other, 0o700); err != nil {
		t.Fatal(err)
	}

	b, err := OpenRunDir(base) // a second host: a's lock is held, stale's is free
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("the folder of a host that is gone stays: %v", err)
	}
	if _, err := os.Stat(a.Path); err != nil {
		t.Errorf("the folder of a live host was removed: %v", err)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("a folder that is no host's was removed: %v", err)
	}
	if b.Path == a.Path {
		t.Errorf("two hosts share %s", a.Path)
	}
	b.Close()
	if _, err := os.Stat(b.Path); !os.IsNotExist(err) {
		t.Errorf("Close left %s: %v", b.Path, err)
	}
}

func TestRunDirRefusesABaseOthersCanUse(t *testing.T) {
	base := t.TempDir() // mode 0755
	if err := os.Chmod(base, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenRunDir(base); err == nil || !strings.Contains(err.Error(), "chmod 700 "+base) {
		t.Errorf("OpenRunDir in a folder of mode 0755: %v", err)
	}
}
