package secrets

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
)

// KeySize is the size of a master key: AES-256.
const KeySize = 32

// Key is a master key and its id. The id is derived from the key by a
// one-way hash, so it can be stored beside ciphertexts.
type Key struct {
	ID  string
	raw [KeySize]byte
}

// NewKey returns a fresh random key.
func NewKey() (*Key, error) {
	var raw [KeySize]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return nil, fmt.Errorf("generating a master key: %w", err)
	}
	return keyFrom(raw), nil
}

func keyFrom(raw [KeySize]byte) *Key {
	sum := sha256.Sum256(append([]byte("integrator master key id\x00"), raw[:]...))
	return &Key{ID: hex.EncodeToString(sum[:8]), raw: raw}
}

// ParseKey decodes a key written as base64 (standard or URL alphabet, with
// or without padding). where names the source for the error message; the
// error never contains the key text.
func ParseKey(text, where string) (*Key, error) {
	text = strings.TrimSpace(text)
	var b []byte
	var err error
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err = enc.DecodeString(text); err == nil {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("%s is not base64: generate a key with 'head -c 32 /dev/urandom | base64'", where)
	}
	if len(b) != KeySize {
		return nil, fmt.Errorf("%s decodes to %d bytes; a master key is %d bytes (base64 of 32 random bytes)", where, len(b), KeySize)
	}
	var raw [KeySize]byte
	copy(raw[:], b)
	return keyFrom(raw), nil
}

// Encode returns the key as base64, for a key file or an environment variable.
func (k *Key) Encode() string { return base64.StdEncoding.EncodeToString(k.raw[:]) }

// String shows the id only.
func (k *Key) String() string { return "key " + k.ID }
