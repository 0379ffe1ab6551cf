package secrets

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
)

// NonceSize is the GCM nonce size: 96 bits.
const NonceSize = 12

// ErrIntegrity means a sealed value could not be opened: the master key is
// not the one it was sealed with, or the ciphertext was changed or moved.
var ErrIntegrity = errors.New("a stored secret failed its integrity check: the master key is not the one it was saved with, or the database was changed")

// Sealed is an encrypted secret as stored.
type Sealed struct {
	KeyID      string
	Nonce      []byte
	Ciphertext []byte // includes the GCM tag
}

// Binding is what a sealed value belongs to; it is authenticated, not stored
// in the ciphertext.
type Binding struct {
	ConnectionID string
	Field        string
}

func additionalData(b Binding, keyID string) []byte {
	// Length-prefixed so that no two bindings encode the same.
	return fmt.Appendf(nil, "integrator/secret/v1\x00%d:%s%d:%s%d:%s", len(b.ConnectionID), b.ConnectionID, len(b.Field), b.Field, len(keyID), keyID)
}

func (k *Key) aead() (cipher.AEAD, error) {
	block, err := aes.NewCipher(k.raw[:])
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// Seal encrypts plaintext under k, bound to b.
func (k *Key) Seal(plaintext []byte, b Binding) (Sealed, error) {
	gcm, err := k.aead()
	if err != nil {
		return Sealed{}, err
	}
	nonce := make([]byte, NonceSize)
	if _, err := rand.Read(nonce); err != nil {
		return Sealed{}, fmt.Errorf("generating a nonce: %w", err)
	}
	ct := gcm.Seal(nil, nonce, plaintext, additionalData(b, k.ID))
	return Sealed{KeyID: k.ID, Nonce: nonce, Ciphertext: ct}, nil
}

// open decrypts s with k, which must be the key s names.
func (k *Key) open(s Sealed, b Binding) ([]byte, error) {
	gcm, err := k.aead()
	if err != nil {
		return nil, err
	}
	if len(s.Nonce) != NonceSize {
		return nil, ErrIntegrity
	}
	pt, err := gcm.Open(nil, s.Nonce, s.Ciphertext, additionalData(b, s.KeyID))
	if err != nil {
		return nil, ErrIntegrity
	}
	return pt, nil
}
