package oauth1

import (
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
)

// HMAC (RFC 2104) is computed here rather than with crypto/hmac because
// hmac.New takes the hash as a function value: every Sign would allocate
// the HMAC state and, through the hash.Hash interface, force the base
// string onto the heap. Calling sha1.New and friends directly lets the
// compiler keep the digest and the message on the stack. The tests check
// these functions against crypto/hmac.

// appendHMACSHA1 appends HMAC-SHA1(key, msg) to dst.
func appendHMACSHA1(dst, key, msg []byte) []byte {
	var ipad, opad [sha1.BlockSize]byte
	if len(key) > sha1.BlockSize {
		k := sha1.Sum(key)
		key = k[:]
	}
	hmacPads(ipad[:], opad[:], key)
	h := sha1.New()
	h.Write(ipad[:])
	h.Write(msg)
	var inner [sha1.Size]byte
	h.Sum(inner[:0])
	h.Reset()
	h.Write(opad[:])
	h.Write(inner[:])
	return h.Sum(dst)
}

// appendHMACSHA256 appends HMAC-SHA256(key, msg) to dst.
func appendHMACSHA256(dst, key, msg []byte) []byte {
	var ipad, opad [sha256.BlockSize]byte
	if len(key) > sha256.BlockSize {
		k := sha256.Sum256(key)
		key = k[:]
	}
	hmacPads(ipad[:], opad[:], key)
	h := sha256.New()
	h.Write(ipad[:])
	h.Write(msg)
	var inner [sha256.Size]byte
	h.Sum(inner[:0])
	h.Reset()
	h.Write(opad[:])
	h.Write(inner[:])
	return h.Sum(dst)
}

// appendHMACSHA512 appends HMAC-SHA512(key, msg) to dst.
func appendHMACSHA512(dst, key, msg []byte) []byte {
	var ipad, opad [sha512.BlockSize]byte
	if len(key) > sha512.BlockSize {
		k := sha512.Sum512(key)
		key = k[:]
	}
	hmacPads(ipad[:], opad[:], key)
	h := sha512.New()
	h.Write(ipad[:])
	h.Write(msg)
	var inner [sha512.Size]byte
	h.Sum(inner[:0])
	h.Reset()
	h.Write(opad[:])
	h.Write(inner[:])
	return h.Sum(dst)
}

// hmacPads sets ipad and opad, one hash block each, to the key (at most a
// block, zero-padded) XOR 0x36 and XOR 0x5c.
func hmacPads(ipad, opad, key []byte) {
	copy(ipad, key)
	copy(opad, key)
	for i := range ipad {
		ipad[i] ^= 0x36
		opad[i] ^= 0x5c
	}
}
