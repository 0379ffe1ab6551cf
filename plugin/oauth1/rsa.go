package oauth1

import (
	"crypto"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/fips140"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
)

// minRSABits is the smallest RSA key the RSA methods accept, as crypto/rsa
// does since Go 1.24. The published OAuth test cases and many services of
// the OAuth 1.0 era use 1024-bit keys, and the server, which registered
// the client's public key, decides what it trusts; a new key should have
// 2048 bits or more (FIPS 140-only mode requires 2048).
const minRSABits = 1024

// ParsePrivateKey parses the client's RSA private key, for the RSA
// methods, from PEM: a PKCS#1 block ("RSA PRIVATE KEY", as openssl genrsa
// wrote it before OpenSSL 3) or a PKCS#8 block ("PRIVATE KEY"). Other
// blocks beside it (a certificate, a public key) and text around it are
// ignored.
//
// It refuses an encrypted key (decrypt it first), a key that is not RSA,
// more than one private key, and a key of fewer than 1024 bits (the
// floor of crypto/rsa; use 2048 or more for a new key).
// Its errors say what is wrong and never contain key material.
func ParsePrivateKey(pemData []byte) (*rsa.PrivateKey, error) {
	key, err := parsePrivateKey(pemData)
	if err != nil {
		return nil, fmt.Errorf("oauth1: private key: %w", err)
	}
	return key, nil
}

const (
	pkcs1Type = "RSA PRIVATE KEY"
	pkcs8Type = "PRIVATE KEY"
)

var errEncryptedKey = errors.New("the PEM key is encrypted: decrypt it first (openssl pkey -in key.pem -out plain.pem)")

func parsePrivateKey(pemData []byte) (*rsa.PrivateKey, error) {
	var found *pem.Block
	var others []string
	for rest := pemData; ; {
		var b *pem.Block
		if b, rest = pem.Decode(rest); b == nil {
			break
		}
		switch {
		case b.Type == "ENCRYPTED PRIVATE KEY" || strings.Contains(b.Headers["Proc-Type"], "ENCRYPTED"):
			return nil, errEncryptedKey
		case b.Type == pkcs1Type || b.Type == pkcs8Type:
			if found != nil {
				return nil, errors.New("the PEM data holds more than one private key: keep only the client's")
			}
			found = b
		case strings.HasSuffix(b.Type, "PRIVATE KEY"):
			return nil, fmt.Errorf("PEM block %q is not an RSA key in PKCS#1 or PKCS#8 form: the RSA methods need one "+
				"(openssl pkey -in key.pem -out key-pkcs8.pem converts an RSA key)", clip(b.Type))
		default:
			others = append(others, clip(b.Type))
		}
	}
	if found == nil {
		if len(others) > 0 {
			return nil, fmt.Errorf("no private key among the PEM blocks (%s): the RSA methods need the client's private key",
				strings.Join(others, ", "))
		}
		return nil, errors.New("no PEM block found: expected -----BEGIN PRIVATE KEY----- (PKCS#8) or -----BEGIN RSA PRIVATE KEY----- (PKCS#1)")
	}

	// Try the form the label names, then the other: mislabelled keys exist.
	parse := []func([]byte) (any, error){parsePKCS1, x509.ParsePKCS8PrivateKey}
	form := "PKCS#1"
	if found.Type == pkcs8Type {
		parse[0], parse[1] = parse[1], parse[0]
		form = "PKCS#8"
	}
	var key any
	var err error
	for _, p := range parse {
		if key, err = p(found.Bytes); err == nil {
			break
		}
	}
	if err != nil {
		// x509's errors hold no key material, but say little to a user.
		return nil, fmt.Errorf("PEM block %q does not hold a valid %s private key", found.Type, form)
	}
	rk, ok := key.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("the key is %s, not RSA: the RSA methods need an RSA key", keyKind(key))
	}
	if err := checkRSAKey(&rk.PublicKey); err != nil {
		return nil, err
	}
	return rk, nil
}

func parsePKCS1(der []byte) (any, error) { return x509.ParsePKCS1PrivateKey(der) }

func keyKind(key any) string {
	switch key.(type) {
	case *ecdsa.PrivateKey:
		return "ECDSA"
	case ed25519.PrivateKey:
		return "Ed25519"
	case *ecdh.PrivateKey:
		return "X25519"
	}
	return fmt.Sprintf("a %T", key)
}

// checkRSAKey refuses a key too small to sign or verify with.
func checkRSAKey(pub *rsa.PublicKey) error {
	if pub.N == nil {
		return errors.New("the RSA key has no modulus")
	}
	if n := pub.N.BitLen(); n < minRSABits {
		return fmt.Errorf("the RSA key has %d bits; at least %d are needed (2048 or more for a new key)", n, minRSABits)
	}
	return nil
}

var errFIPSRSASHA1 = errors.New("RSA-SHA1 is not allowed in FIPS 140-only mode")

// appendRSASignature appends the oauth_signature of the RSA methods (RFC
// 5849 §3.4.3): base64 of the RSASSA-PKCS1-v1_5 signature of the base
// string bs with the hash of m. It returns the extended buffer and where
// the signature starts in it.
func appendRSASignature(dst []byte, m Method, key *rsa.PrivateKey, bs []byte) ([]byte, int, error) {
	h := m.hash()
	if h == crypto.SHA1 && fips140.Enforced() {
		return dst, 0, errFIPSRSASHA1
	}
	var sum [sha512.Size]byte
	sig, err := rsa.SignPKCS1v15(nil, key, h, digest(sum[:0], h, bs))
	if err != nil {
		return dst, 0, fmt.Errorf("%s: %w", m, err) // crypto/rsa's errors hold no key material
	}
	n := len(dst)
	return base64.StdEncoding.AppendEncode(dst, sig), n, nil
}

// verifyRSASignature checks sig, an oauth_signature in base64, against
// the base string bs.
func verifyRSASignature(m Method, pub *rsa.PublicKey, bs []byte, sig string) error {
	h := m.hash()
	if h == crypto.SHA1 && fips140.Enforced() {
		return errFIPSRSASHA1
	}
	raw, err := base64.StdEncoding.DecodeString(sig)
	if err != nil {
		return errors.New("oauth_signature is not base64")
	}
	var sum [sha512.Size]byte
	if rsa.VerifyPKCS1v15(pub, h, digest(sum[:0], h, bs), raw) != nil {
		return errSignatureMismatch
	}
	return nil
}

var errSignatureMismatch = errors.New("signature does not match")

// digest appends the digest of b under h (SHA-1, SHA-256 or SHA-512).
func digest(dst []byte, h crypto.Hash, b []byte) []byte {
	switch h {
	case crypto.SHA256:
		s := sha256.Sum256(b)
		return append(dst, s[:]...)
	case crypto.SHA512:
		s := sha512.Sum512(b)
		return append(dst, s[:]...)
	}
	s := sha1.Sum(b)
	return append(dst, s[:]...)
}
