package secrets

import (
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
}

// KeyFilePath returns the key file path for a home folder.
func KeyFilePath(homeDir string) string { return filepath.Join(homeDir, KeyFileName) }

// Load returns the keyring: the key in KeyEnv when it is set, else the key
// file in homeDir, created with mode 0600 on first use. A pending rotation
// key beside the key file is loaded too.
func Load(getenv func(string) string, homeDir string) (*Keyring, error) {
	kr := &Keyring{byID: map[string]*Key{}}
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
	if pending, err := readKeyFile(kr.KeyFile + pendingSuffix); err == nil {
		kr.add(pending)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	return kr, nil
}

func (kr *Keyring) add(k *Key) { kr.byID[k.ID] = k }

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

func writeKeyFile(path string, k *Key) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(k.Encode() + "\n"); err != nil {
		f.Close()
		os.Remove(path)
		return fmt.Errorf("writing key file %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Rotation is a key change in progress for a key-file keyring.
type Rotation struct {
	kr  *Keyring
	New *Key
}

// BeginRotation makes a new key, or picks up the pending one an interrupted
// rotation left, and writes it beside the key file before anything is
// re-sealed. For a keyring from KeyEnv, newKey must be given: the caller
// then tells the user to change the variable.
func (kr *Keyring) BeginRotation(newKey *Key) (*Rotation, error) {
	if kr.FromEnv {
		if newKey == nil {
			return nil, fmt.Errorf("the master key comes from %s: give the new key with --new-key-env VAR", KeyEnv)
		}
		kr.add(newKey)
		return &Rotation{kr: kr, New: newKey}, nil
	}
	pendingPath := kr.KeyFile + pendingSuffix
	if newKey == nil {
		if pending, err := readKeyFile(pendingPath); err == nil {
			newKey = pending
		} else if newKey, err = NewKey(); err != nil {
			return nil, err
		}
	}
	if newKey.ID == kr.Primary.ID {
		return nil, errors.New("the new master key is the current one")
	}
	_ = os.Remove(pendingPath)
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
	}
	r.kr.Primary = r.New
	return nil
}
