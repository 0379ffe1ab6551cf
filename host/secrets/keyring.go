package secrets

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// KeyEnv is the environment variable that holds the master key.
const KeyEnv = "INTEGRATOR_MASTER_KEY"

// KeyFileName is the key file's name inside the home folder.
const KeyFileName = "master.key"

// pendingSuffix marks a key being rotated to: written before the store is
// re-sealed, renamed over the key file after. If a rotation stops between
// the two, both keys are still found.
const pendingSuffix = ".new"

// Keyring holds the master key that seals new secrets and every key that
// may have sealed stored ones.
type Keyring struct {
	Primary *Key
	// FromEnv is true when the primary key came from KeyEnv.
	FromEnv bool
	// KeyFile is where the primary key lives when it is not from KeyEnv.
	KeyFile string
	byID    map[string]*Key
	home    string // the home folder, where the key lock lives
}

// KeyFilePath returns the key file path for a home folder.
func KeyFilePath(homeDir string) string { return filepath.Join(homeDir, KeyFileName) }

// Load returns the keyring: the key in KeyEnv when it is set, else the key
// file in homeDir, created with mode 0600 on first use. A pending rotation
// key beside the key file is loaded too.
func Load(getenv func(string) string, homeDir string) (*Keyring, error) {
	kr := &Keyring{byID: map[string]*Key{}, home: homeDir}
	if text := getenv(KeyEnv); text != "" {
		k, err := ParseKey(text, KeyEnv)
		if err != nil {
			return nil, err
		}
		kr.Primary, kr.FromEnv = k, true
		kr.add(k)
		return kr, nil
	}
	kr.KeyFile = KeyFilePath(homeDir)
	k, err := readKeyFile(kr.KeyFile)
	if errors.Is(err, fs.ErrNotExist) {
		k, err = createKeyFile(kr.KeyFile)
	}
	if err != nil {
		return nil, err
	}
	kr.Primary = k
	kr.add(k)
	if err := kr.addPending(); err != nil {
		return nil, err
	}
	return kr, nil
}

func (kr *Keyring) add(k *Key) { kr.byID[k.ID] = k }

// addPending adds the key of an interrupted rotation, if there is one.
func (kr *Keyring) addPending() error {
	pending, err := readKeyFile(kr.KeyFile + pendingSuffix)
	switch {
	case err == nil:
		kr.add(pending)
	case !errors.Is(err, fs.ErrNotExist):
		return err
	}
	return nil
}

// Refresh reads the key file again: another process may have rotated the
// key since Load. Call it while holding the key lock. A keyring from
// KeyEnv stays as it is: the environment of a running process does not
// change.
func (kr *Keyring) Refresh() error {
	if kr.FromEnv || kr.KeyFile == "" {
		return nil
	}
	k, err := readKeyFile(kr.KeyFile)
	if err != nil {
		return fmt.Errorf("reading the master key again: %w", err)
	}
	kr.Primary, kr.byID = k, map[string]*Key{}
	kr.add(k)
	return kr.addPending()
}

// Has reports whether the keyring holds the key with id.
func (kr *Keyring) Has(id string) bool {
	_, ok := kr.byID[id]
	return ok
}

// Source says where the primary key comes from, for messages: KeyEnv or
// the key file's path.
func (kr *Keyring) Source() string {
	if kr.FromEnv {
		return KeyEnv
	}
	return kr.KeyFile
}

// Seal encrypts with the primary key.
func (kr *Keyring) Seal(plaintext []byte, b Binding) (Sealed, error) {
	return kr.Primary.Seal(plaintext, b)
}

// Open decrypts s with the key that sealed it.
func (kr *Keyring) Open(s Sealed, b Binding) ([]byte, error) {
	k, ok := kr.byID[s.KeyID]
	if !ok {
		return nil, fmt.Errorf("%w (it was sealed with master key %s; the current one is %s: set %s to the key in use when it was saved)",
			ErrIntegrity, s.KeyID, kr.Primary.ID, KeyEnv)
	}
	return k.open(s, b)
}

func readKeyFile(path string) (*Key, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if info.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("key file %s can be read by others (mode %#o): run chmod 600 %s", path, info.Mode().Perm(), path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseKey(string(b), "key file "+path)
}

// createKeyFile writes a new random key with mode 0600. O_EXCL makes two
// processes starting at once agree on one key: the loser reads the winner's.
func createKeyFile(path string) (*Key, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("creating %s: %w", filepath.Dir(path), err)
	}
	k, err := NewKey()
	if err != nil {
		return nil, err
	}
	if err := writeKeyFile(path, k); errors.Is(err, fs.ErrExist) {
		return readKeyFile(path)
	} else if err != nil {
		return nil, err
	}
	return k, nil
}

// writeKeyFile writes k to path, mode 0600, only if path does not exist
// (fs.ErrExist otherwise). The key is written and synced under a
// temporary name, then linked to path, so that path never holds a partial
// key: not for a process that reads it meanwhile, nor after a crash.
func writeKeyFile(path string, k *Key) error {
	var suffix [8]byte
	if _, err := rand.Read(suffix[:]); err != nil {
		return err
	}
	tmp := path + ".tmp-" + hex.EncodeToString(suffix[:])
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	if _, err := f.WriteString(k.Encode() + "\n"); err != nil {
		f.Close()
		return fmt.Errorf("writing key file %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("writing key file %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing key file %s: %w", path, err)
	}
	// A link fails when path exists, where a rename would replace it.
	if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fs.ErrExist
		}
		return fmt.Errorf("writing key file %s: %w", path, err)
	}
	return syncDir(filepath.Dir(path))
}

// Rotation is a key change in progress for a key-file keyring.
type Rotation struct {
	kr  *Keyring
	New *Key
}

// BeginRotation makes a new key, or picks up the pending one an interrupted
// rotation left, and writes it beside the key file before anything is
// re-sealed. For a keyring from KeyEnv, newKey must be given: the caller
// then tells the user to change the variable. Hold the Exclusive key lock
// from here to Commit.
//
// A pending key is never removed or rewritten: secrets may already be
// sealed under it (the interrupted rotation may have committed its
// transaction), so the rotation finishes with it, and a different newKey
// is refused until it has.
func (kr *Keyring) BeginRotation(newKey *Key) (*Rotation, error) {
	if kr.FromEnv {
		if newKey == nil {
			return nil, fmt.Errorf("the master key comes from %s: give the new key with --new-key-env VAR", KeyEnv)
		}
		if newKey.ID == kr.Primary.ID {
			return nil, errors.New("the new master key is the current one")
		}
		kr.add(newKey)
		return &Rotation{kr: kr, New: newKey}, nil
	}
	pendingPath := kr.KeyFile + pendingSuffix
	pending, err := readKeyFile(pendingPath)
	switch {
	case err == nil:
		if newKey != nil && newKey.ID != pending.ID {
			return nil, fmt.Errorf("an interrupted rotation to master key %s must finish first (its key is in %s): "+
				"run 'integrator keys rotate' without --new-key-env, then again with it", pending.ID, pendingPath)
		}
		kr.add(pending)
		return &Rotation{kr: kr, New: pending}, nil
	case !errors.Is(err, fs.ErrNotExist):
		return nil, err
	}
	if newKey == nil {
		if newKey, err = NewKey(); err != nil {
			return nil, err
		}
	}
	if newKey.ID == kr.Primary.ID {
		return nil, errors.New("the new master key is the current one")
	}
	// writeKeyFile syncs the file and its directory entry: the pending
	// key survives a crash before anything is sealed under it.
	if err := writeKeyFile(pendingPath, newKey); err != nil {
		return nil, err
	}
	kr.add(newKey)
	return &Rotation{kr: kr, New: newKey}, nil
}

// Commit makes the new key the primary one: for a key file, the pending key
// replaces the key file. Call it after the store was re-sealed.
func (r *Rotation) Commit() error {
	if !r.kr.FromEnv {
		if err := os.Rename(r.kr.KeyFile+pendingSuffix, r.kr.KeyFile); err != nil {
			return fmt.Errorf("installing the new key file: %w", err)
		}
		if err := syncDir(filepath.Dir(r.kr.KeyFile)); err != nil {
			return err
		}
	}
	r.kr.Primary = r.New
	return nil
}

// syncDir makes the entries of a directory (a created or renamed file)
// durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("syncing %s: %w", dir, err)
	}
	return nil
}
