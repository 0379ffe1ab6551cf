package oauth1

import (
	"bytes"
	"crypto"
	"crypto/fips140"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"sync"
)

// Method is an oauth_signature_method. The zero Method means HMACSHA1.
type Method string

// The signature methods this package signs and verifies. The HMAC methods
// and PLAINTEXT use the consumer and token secrets; the RSA methods use the
// client's RSA private key (RFC 5849 §3.4.3: RSASSA-PKCS1-v1_5) and no
// secret.
const (
	HMACSHA1   Method = "HMAC-SHA1" // the zero Method means HMACSHA1
	HMACSHA256 Method = "HMAC-SHA256"
	HMACSHA512 Method = "HMAC-SHA512"
	RSASHA1    Method = "RSA-SHA1"
	RSASHA256  Method = "RSA-SHA256"
	RSASHA512  Method = "RSA-SHA512"
	Plaintext  Method = "PLAINTEXT"
)

// resolve returns m with the zero value replaced by HMACSHA1, or an error
// for a method this package does not know.
func (m Method) resolve() (Method, error) {
	switch m {
	case "":
		return HMACSHA1, nil
	case HMACSHA1, HMACSHA256, HMACSHA512, RSASHA1, RSASHA256, RSASHA512, Plaintext:
		return m, nil
	}
	return "", fmt.Errorf("unsupported signature method %q", clip(string(m)))
}

// isRSA reports whether m signs with an RSA key rather than the secrets.
func (m Method) isRSA() bool {
	return m == RSASHA1 || m == RSASHA256 || m == RSASHA512
}

// hash returns the hash function of m: the HMAC's, the one RSA signs, and
// the one of oauth_body_hash (SHA-1 for PLAINTEXT, as for HMAC-SHA1).
func (m Method) hash() crypto.Hash {
	switch m {
	case HMACSHA256, RSASHA256:
		return crypto.SHA256
	case HMACSHA512, RSASHA512:
		return crypto.SHA512
	}
	return crypto.SHA1
}

func (m Method) newHash() func() hash.Hash {
	switch m.hash() {
	case crypto.SHA256:
		return sha256.New
	case crypto.SHA512:
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
		// hmac.New would panic on these in FIPS 140-only mode.
		if m == HMACSHA1 {
			return dst, 0, errFIPSSHA1
		}
		if len(key) < 112/8 {
			return dst, 0, errFIPSKey
		}
	}
	dst = appendMAC(dst, m, key, bs)
	s0 := len(dst)
	dst = base64.StdEncoding.AppendEncode(dst, dst[n:s0])
	return dst, s0, nil
}

// macState is a keyed crypto/hmac state with scratch space. Signing keys
// rarely change between calls (one connection, one key), so a pooled state
// for the same key is Reset instead of built again, and the base string is
// copied into the scratch space: passing the caller's stack buffer to the
// hash.Hash interface would move that buffer to the heap.
type macState struct {
	method Method
	key    []byte
	mac    hash.Hash
	msg    []byte
	sum    []byte
}

var macPool = sync.Pool{New: func() any { return new(macState) }}

// appendMAC appends the HMAC of bs under key to dst. key and bs may point
// into dst.
func appendMAC(dst []byte, m Method, key, bs []byte) []byte {
	st := macPool.Get().(*macState)
	if st.mac == nil || st.method != m || !bytes.Equal(st.key, key) {
		st.method = m
		st.key = append(st.key[:0], key...)
		st.mac = hmac.New(m.newHash(), st.key)
	} else {
		st.mac.Reset()
	}
	st.msg = append(st.msg[:0], bs...)
	st.mac.Write(st.msg)
	st.sum = st.mac.Sum(st.sum[:0])
	dst = append(dst, st.sum...)
	macPool.Put(st)
	return dst
}
