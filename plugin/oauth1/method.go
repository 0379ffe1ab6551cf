package oauth1

import (
	"bytes"
	"crypto/fips140"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
)

// Method is an oauth_signature_method. The zero Method means HMACSHA1.
type Method string

// The signature methods this package signs and verifies. RSA-SHA1 is not
// supported.
const (
	HMACSHA1   Method = "HMAC-SHA1" // the zero Method means HMACSHA1
	HMACSHA256 Method = "HMAC-SHA256"
	HMACSHA512 Method = "HMAC-SHA512"
	Plaintext  Method = "PLAINTEXT"
)

// resolve returns m with the zero value replaced by HMACSHA1, or an error
// for a method this package does not know.
func (m Method) resolve() (Method, error) {
	switch m {
	case "":
		return HMACSHA1, nil
	case HMACSHA1, HMACSHA256, HMACSHA512, Plaintext:
		return m, nil
	}
	return "", fmt.Errorf("unsupported signature method %q", clip(string(m)))
}

func (m Method) newHash() func() hash.Hash {
	switch m {
	case HMACSHA256:
		return sha256.New
	case HMACSHA512:
		return sha512.New
	}
	return sha1.New
}

// appendKey appends the signing key of RFC 5849 §3.4.2: the encoded
// consumer secret, "&" (always), the encoded token secret.
func appendKey(dst []byte, consumerSecret, tokenSecret string) []byte {
	dst = appendEncoded(dst, consumerSecret)
	dst = append(dst, '&')
	return appendEncoded(dst, tokenSecret)
}

var (
	errFIPSSHA1 = errors.New("HMAC-SHA1 is not allowed in FIPS 140-only mode")
	errFIPSKey  = errors.New("a signing key shorter than 14 bytes is not allowed in FIPS 140-only mode")
)

// appendSignature appends the oauth_signature (before percent-encoding)
// of the base string bs under key: base64 of the HMAC, or for PLAINTEXT
// the key itself (RFC 5849 §3.4.2, §3.4.4). It returns the extended buffer
// and where the signature starts in it. key and bs may point into dst.
func appendSignature(dst []byte, m Method, key, bs []byte) ([]byte, int, error) {
	n := len(dst)
	if m == Plaintext {
		return append(dst, key...), n, nil
	}
	if fips140.Enforced() {
		// Use the FIPS module's HMAC. hmac.New would panic here.
		if m == HMACSHA1 {
			return dst, 0, errFIPSSHA1
		}
		if len(key) < 112/8 {
			return dst, 0, errFIPSKey
		}
		// Copies keep dst (often on the caller's stack) off the heap.
		mac := hmac.New(m.newHash(), bytes.Clone(key))
		mac.Write(bytes.Clone(bs))
		dst = append(dst, mac.Sum(nil)...)
	} else {
		switch m {
		case HMACSHA256:
			dst = appendHMACSHA256(dst, key, bs)
		case HMACSHA512:
			dst = appendHMACSHA512(dst, key, bs)
		default:
			dst = appendHMACSHA1(dst, key, bs)
		}
	}
	s0 := len(dst)
	dst = base64.StdEncoding.AppendEncode(dst, dst[n:s0])
	return dst, s0, nil
}
