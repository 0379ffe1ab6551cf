package flows

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// partFile is an output file being written as PATH.part and put in place
// as PATH only when complete. It holds an exclusive lock on PATH.part, so
// that two runs cannot write the same output at once.
type partFile struct {
	*os.File
	final string
}

// errBusy means another process holds the lock on the output.
var errBusy = errors.New("another integrator process is writing it")

// openPart opens (creating, not truncating) final+".part" and locks it.
func openPart(final string) (*partFile, error) {
	f, err := os.OpenFile(final+".part", os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	if err := lockFile(f); err != nil {
		f.Close()
		if errors.Is(err, errBusy) {
			return nil, fmt.Errorf("%s: %w", final, errBusy)
		}
		return nil, fmt.Errorf("locking %s: %w", f.Name(), err)
	}
	return &partFile{File: f, final: final}, nil
}

// cut truncates the file to size and continues writing there.
func (p *partFile) cut(size int64) error {
	if err := p.Truncate(size); err != nil {
		return err
	}
	_, err := p.Seek(size, 0)
	return err
}

// commit syncs the file and renames it to its final name, durably.
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
