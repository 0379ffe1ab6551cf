package plugins

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"
)

// ExecCache is the host's private folder of verified plugin binaries. The
// host never runs a file from a plugin folder: it copies the file into the
// cache, hashing the bytes as it copies them, keeps the copy only when they
// have the expected checksum, and runs the copy. Swapping the file, or a
// symlink to it, between the check and the start cannot get another binary
// run: what runs are the bytes that were hashed.
//
// Copies are content-addressed, <dir>/<sha256>/<file name>, read-only
// (0500), in folders of mode 0700 that must belong to the user. A binary
// trusted anew gets a new copy, and the copies of other checksums under the
// same name are removed then. Hosts running at once share the cache: a copy
// is written to a temporary file of its own and renamed into place.
type ExecCache struct {
	dir     string
	once    sync.Once
	openErr error
}

// NewExecCache returns the cache kept in dir. The folder is made, and
// checked, when the first copy is needed.
func NewExecCache(dir string) *ExecCache { return &ExecCache{dir: dir} }

// Dir is the cache folder.
func (c *ExecCache) Dir() string { return c.dir }

func (c *ExecCache) open() error {
	c.once.Do(func() {
		if c.openErr = privateDir(c.dir); c.openErr != nil {
			return
		}
		if noexec(c.dir) {
			c.openErr = fmt.Errorf("cannot run plugins from %s: its filesystem is mounted noexec, and integrator runs each plugin "+
				"from a verified copy there; set INTEGRATOR_HOME to a folder on a filesystem that allows programs to run", c.dir)
		}
	})
	return c.openErr
}

// CopyMismatchError means a plugin file did not have the expected checksum
// when it was copied: it changed after it was checked.
type CopyMismatchError struct {
	Path string
	Want string // hex
	Got  string // hex
}

func (e *CopyMismatchError) Error() string {
	return fmt.Sprintf("%s has sha256 %s, not %s", e.Path, e.Got, e.Want)
}

// Copy returns the path of a verified copy, named name, of the plugin file
// at src, which must have the SHA-256 sum (hex). When the cache holds no
// such copy, src is opened once (a symlink is followed then), hashed while
// it is copied, and the copy is kept only when it has sum: else Copy fails
// with a *CopyMismatchError. A kept copy is made read-only and hashed again
// before it is moved into place. The caller hashes the copy once more just
// before running it (shared.ClientOptions.Checksum).
func (c *ExecCache) Copy(src, name, sum string) (string, error) {
	if err := c.open(); err != nil {
		return "", err
	}
	if b, err := hex.DecodeString(sum); err != nil || len(b) != sha256.Size {
		return "", fmt.Errorf("not a SHA-256 checksum: %q", sum)
	}
	if name != filepath.Base(name) || name == "." || name == ".." {
		return "", fmt.Errorf("not a file name: %q", name)
	}
	dir := filepath.Join(c.dir, sum)
	if err := privateDir(dir); err != nil {
		return "", err
	}
	final := filepath.Join(dir, name)
	if info, err := os.Lstat(final); err == nil && info.Mode().IsRegular() && info.Mode().Perm()&0o222 == 0 && ownedByUser(info) {
		return final, nil
	}
	tmp, err := copyVerified(src, dir, sum)
	if err != nil {
		return "", err
	}
	if err := os.Rename(tmp, final); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("keeping the verified copy of %s: %w", src, err)
	}
	c.prune(name, sum)
	return final, nil
}

// copyVerified copies src into a new file in dir while hashing it, and
// returns the file's path when the bytes have sum; the file is read-only
// and was hashed again from disk.
func copyVerified(src, dir, sum string) (path string, err error) {
	// Without waiting: a FIFO put in the file's place must not hold the
	// host.
	in, err := os.OpenFile(src, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return "", err
	}
	defer in.Close()
	if info, err := in.Stat(); err != nil || !info.Mode().IsRegular() {
		return "", fmt.Errorf("%s is not a regular file", src)
	}
	out, err := os.CreateTemp(dir, ".copy-*") // O_EXCL, mode 0600
	if err != nil {
		return "", fmt.Errorf("copying %s into the plugin cache: %w", src, err)
	}
	defer func() {
		if err != nil {
			out.Close()
			os.Remove(out.Name())
		}
	}()
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(out, h), in); err != nil {
		return "", fmt.Errorf("copying %s into the plugin cache: %w", src, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != sum {
		return "", &CopyMismatchError{Path: src, Want: sum, Got: got}
	}
	if err := out.Chmod(0o500); err != nil {
		return "", err
	}
	if err := out.Sync(); err != nil {
		return "", err
	}
	if err := out.Close(); err != nil {
		return "", err
	}
	again, err := fileSHA256(out.Name())
	if err != nil {
		return "", err
	}
	if again != sum {
		return "", fmt.Errorf("the copy of %s in the plugin cache does not read back as written (sha256 %s, not %s)", src, again, sum)
	}
	return out.Name(), nil
}

// Discard removes a copy that no longer verifies, so that the next start
// makes it again.
func (c *ExecCache) Discard(path string) {
	if filepath.Dir(filepath.Dir(path)) == c.dir {
		_ = os.Remove(path)
	}
}

// prune removes the copies named name of other checksums than keep, and
// the folders they leave empty once those are a while old: a folder just
// made is empty until the copy another start is making is moved into it.
// A host still running an old copy keeps it: a running program's file may
// be removed.
func (c *ExecCache) prune(name, keep string) {
	entries, err := os.ReadDir(c.dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if e.Name() == keep || !e.IsDir() {
			continue
		}
		if b, err := hex.DecodeString(e.Name()); err != nil || len(b) != sha256.Size {
			continue
		}
		dir := filepath.Join(c.dir, e.Name())
		_ = os.Remove(filepath.Join(dir, name))
		if info, err := os.Lstat(dir); err == nil && time.Since(info.ModTime()) > pruneAfter {
			_ = os.Remove(dir) // only when empty
		}
	}
}

// pruneAfter is how old an empty folder of the cache must be to be removed.
const pruneAfter = time.Minute

// privateDir makes the folder dir (and its parents) when missing, and
// checks that it is a folder of the user's, not a symlink, that no one else
// may read, write or enter.
func privateDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	info, err := os.Lstat(dir)
	switch {
	case err != nil:
		return err
	case !info.IsDir():
		return fmt.Errorf("%s is not a folder (a symlink?): remove it, and integrator makes the folder", dir)
	case !ownedByUser(info):
		return fmt.Errorf("%s belongs to another user: remove it, and integrator makes its own", dir)
	case info.Mode().Perm()&0o077 != 0:
		return fmt.Errorf("%s may be used by other users (mode %v): run 'chmod 700 %s'", dir, info.Mode().Perm(), dir)
	}
	return nil
}
