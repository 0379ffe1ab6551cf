package flows

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
)

// partFile is an output file being written as PATH.part and put in place
// as PATH only when complete. It holds an exclusive lock on PATH.part, so
// that two processes cannot write the same output at once, and keeps the
// SHA-256 of everything in it, so that a checkpoint can name the bytes it
// vouches for.
type partFile struct {
	*os.File
	final string
	sum   hash.Hash // of the file's bytes from the start to where writing is
	fresh bool      // openPart made it: nothing was there before
}

// errBusy means another process holds the lock on the output.
var errBusy = errors.New("another integrator process is writing it")

// openPart opens (creating, not truncating) final+".part" and locks it.
// It never opens it through a symbolic link, and never anything but a
// regular file; the file is created with mode 0600 (less with a stricter
// umask), and one left by an older version with a wider mode is narrowed.
func openPart(final string) (*partFile, error) {
	name := final + ".part"
	symlink := fmt.Errorf("%s is a symbolic link: integrator does not write through one (it could point anywhere); remove it, or choose another output file", name)
	if isSymlink(name) {
		return nil, symlink
	}
	_, statErr := os.Lstat(name)
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|noFollow, 0o600)
	if err != nil {
		if isSymlink(name) { // put there since the check above
			return nil, symlink
		}
		return nil, err
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !info.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("%s is not a regular file (%s): remove it, or choose another output file", name, info.Mode().Type())
	}
	if info.Mode().Perm()&0o077 != 0 {
		if err := f.Chmod(0o600); err != nil {
			f.Close()
			return nil, err
		}
	}
	if err := lockFile(f); err != nil {
		f.Close()
		if errors.Is(err, errBusy) {
			return nil, fmt.Errorf("%s: %w", final, errBusy)
		}
		return nil, fmt.Errorf("locking %s: %w", name, err)
	}
	return &partFile{File: f, final: final, sum: sha256.New(), fresh: errors.Is(statErr, os.ErrNotExist)}, nil
}

func isSymlink(name string) bool {
	info, err := os.Lstat(name)
	return err == nil && info.Mode()&os.ModeSymlink != 0
}

// Write writes to the file, adding the bytes to its checksum.
func (p *partFile) Write(b []byte) (int, error) {
	n, err := p.File.Write(b)
	p.sum.Write(b[:n])
	return n, err
}

// ReadFrom copies r to the file through Write, so that the checksum sees
// every byte (os.File's own ReadFrom would go around it).
func (p *partFile) ReadFrom(r io.Reader) (int64, error) {
	return io.Copy(struct{ io.Writer }{p}, r)
}

// digest is the hex SHA-256 of the file's bytes up to where writing is.
func (p *partFile) digest() string { return hex.EncodeToString(p.sum.Sum(nil)) }

// cut truncates the file to size and continues writing there.
func (p *partFile) cut(size int64) error {
	if _, err := p.Seek(0, io.SeekStart); err != nil {
		return err
	}
	p.sum.Reset()
	if size > 0 {
		if _, err := io.CopyN(p.sum, p.File, size); err != nil {
			return err
		}
	}
	if err := p.Truncate(size); err != nil {
		return err
	}
	_, err := p.Seek(size, io.SeekStart)
	return err
}

// ErrForeignPart means a part file does not hold what its checkpoint
// says was saved.
var ErrForeignPart = errors.New("the part file is not the one the checkpoint describes")

// resumeAt checks that the file's first size bytes are the ones a
// checkpoint vouched for with digest (skipped for an older checkpoint
// without one), then cuts the file there. When they differ, nothing is
// changed.
func (p *partFile) resumeAt(size int64, digest string) error {
	info, err := p.Stat()
	if err != nil {
		return err
	}
	if info.Size() < size {
		return fmt.Errorf("%w: %s holds %s, less than the %s the checkpoint says were saved; another program changed it. Nothing was changed: start over with ⟪restart⟫",
			ErrForeignPart, p.Name(), size2(info.Size()), size2(size))
	}
	if digest != "" {
		h := sha256.New()
		if _, err := io.Copy(h, io.NewSectionReader(p.File, 0, size)); err != nil {
			return err
		}
		want, _ := hex.DecodeString(digest)
		if !bytes.Equal(h.Sum(nil), want) {
			return fmt.Errorf("%w: the first %s of %s are not what this run saved (another command or program wrote to it). Nothing was changed: start over with ⟪restart⟫",
				ErrForeignPart, size2(size), p.Name())
		}
	}
	return p.cut(size)
}

// size2 is a byte count with its exact number.
func size2(n int64) string {
	if n < 1<<10 {
		return approxSize(n)
	}
	return fmt.Sprintf("%s (%d bytes)", approxSize(n), n)
}

// commit syncs the file and renames it to its final name, durably. The
// rename replaces whatever is at the final name, a symbolic link
// included, without following it; the file keeps its mode.
func (p *partFile) commit() error {
	if err := p.Sync(); err != nil {
		return err
	}
	if err := os.Rename(p.Name(), p.final); err != nil {
		return err
	}
	if err := syncDir(filepath.Dir(p.final)); err != nil {
		return err
	}
	return p.Close()
}

// release closes the file of a run that did not start, removing it when
// openPart made it: a refused command leaves nothing behind.
func (p *partFile) release() {
	if p.fresh {
		p.abandon()
		return
	}
	p.Close()
}

// abandon closes the file and removes it.
func (p *partFile) abandon() {
	p.Close()
	os.Remove(p.Name())
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
