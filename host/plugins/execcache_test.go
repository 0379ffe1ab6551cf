package plugins

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func sumOf(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func TestExecCacheCopiesOnlyTheExpectedBytes(t *testing.T) {
	src := filepath.Join(t.TempDir(), Prefix+"demo")
	trusted := []byte("#!/bin/sh\necho trusted\n")
	if err := os.WriteFile(src, trusted, 0o755); err != nil {
		t.Fatal(err)
	}
	c := NewExecCache(filepath.Join(t.TempDir(), "cache"))
	sum := sumOf(trusted)

	path, err := c.Copy(src, Prefix+"demo", sum)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(c.Dir(), sum, Prefix+"demo"); path != want {
		t.Errorf("copy at %s, want %s", path, want)
	}
	if b, _ := os.ReadFile(path); string(b) != string(trusted) {
		t.Errorf("the copy holds %q", b)
	}
	for p, mode := range map[string]os.FileMode{c.Dir(): 0o700, filepath.Dir(path): 0o700, path: 0o500} {
		if info, err := os.Lstat(p); err != nil || info.Mode().Perm() != mode {
			t.Errorf("%s: %v %v, want mode %v", p, info, err, mode)
		}
	}

	// The file changed after it was checked: nothing is kept, and the
	// error says what the file has now.
	other := []byte("#!/bin/sh\necho other\n")
	if err := os.WriteFile(src, other, 0o755); err != nil {
		t.Fatal(err)
	}
	os.Remove(path)
	_, err = c.Copy(src, Prefix+"demo", sum)
	var mismatch *CopyMismatchError
	if !errors.As(err, &mismatch) || mismatch.Got != sumOf(other) || mismatch.Want != sum {
		t.Fatalf("copy of a changed file: %v", err)
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 0 {
		t.Errorf("left in the cache: %v", entries)
	}

	// A copy already in place is used as it is: the plugin file is not read.
	if err := os.WriteFile(src, trusted, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Copy(src, Prefix+"demo", sum); err != nil {
		t.Fatal(err)
	}
	os.Remove(src)
	if got, err := c.Copy(src, Prefix+"demo", sum); err != nil || got != path {
		t.Errorf("copy in place: %q %v", got, err)
	}
}

// A file in the copy's place that the cache did not make (writable) is
// replaced; the copies of another checksum under the same name are removed
// when a new one is made.
func TestExecCacheReplacesAndPrunes(t *testing.T) {
	dir := t.TempDir()
	c := NewExecCache(filepath.Join(dir, "cache"))
	v1, v2 := []byte("version 1"), []byte("version 2")
	src := filepath.Join(dir, "plugin")
	if err := os.WriteFile(src, v1, 0o755); err != nil {
		t.Fatal(err)
	}
	old, err := c.Copy(src, "p", sumOf(v1))
	if err != nil {
		t.Fatal(err)
	}
	other, err := c.Copy(src, "q", sumOf(v1)) // another name, same bytes: kept
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(src, v2, 0o755); err != nil {
		t.Fatal(err)
	}
	// Another start is making a copy of other bytes: its folder is empty
	// for now, and must stay. An empty folder left long ago goes.
	making := filepath.Join(c.Dir(), sumOf([]byte("being copied")))
	left := filepath.Join(c.Dir(), sumOf([]byte("long gone")))
	for _, d := range []string{making, left} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	long := time.Now().Add(-time.Hour)
	if err := os.Chtimes(left, long, long); err != nil {
		t.Fatal(err)
	}
	planted := filepath.Join(c.Dir(), sumOf(v2), "p")
	if err := os.MkdirAll(filepath.Dir(planted), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(planted, []byte("planted"), 0o700); err != nil {
		t.Fatal(err)
	}
	got, err := c.Copy(src, "p", sumOf(v2))
	if err != nil || got != planted {
		t.Fatalf("copy: %q %v", got, err)
	}
	if b, _ := os.ReadFile(got); string(b) != "version 2" {
		t.Errorf("the planted file was kept: %q", b)
	}
	if _, err := os.Stat(old); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the copy of the old checksum stays: %v", err)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("the copy under another name was removed: %v", err)
	}
	if _, err := os.Stat(making); err != nil {
		t.Errorf("the folder of a copy being made was removed: %v", err)
	}
	if _, err := os.Stat(left); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("an empty folder left long ago stays: %v", err)
	}
}

func TestExecCacheRefusesAFolderOthersCanUse(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(t.TempDir(), "plugin")
	if err := os.WriteFile(src, []byte("x"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := NewExecCache(dir).Copy(src, "p", sumOf([]byte("x")))
	if err == nil || !strings.Contains(err.Error(), "may be used by other users") || !strings.Contains(err.Error(), "chmod 700 "+dir) {
		t.Errorf("cache in a folder of mode 0755: %v", err)
	}

	link := filepath.Join(t.TempDir(), "cache")
	if err := os.Symlink(t.TempDir(), link); err != nil {
		t.Fatal(err)
	}
	if _, err := NewExecCache(link).Copy(src, "p", sumOf([]byte("x"))); err == nil || !strings.Contains(err.Error(), "is not a folder") {
		t.Errorf("cache at a symlink: %v", err)
	}
}
