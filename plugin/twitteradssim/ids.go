package twitteradssim

import "strconv"

// kind names an entity type. Its number is part of every id, so an id of
// one kind never resolves as another.
type kind uint8

const (
	kindAccount kind = iota + 1
	kindCampaign
	kindLineItem
	kindPromotedTweet
	kindFundingInstrument
	kindCursor // not an entity: cursors use the same codec
)

// Ids pack (kind, account index, position) into 51 bits and pass them
// through a keyed bijection, so they look like the API's base-36 ids
// ("18ce54d4x5t") yet decode back without any table.
const (
	idBits     = 51
	idMask     = 1<<idBits - 1
	posBits    = 32
	acctBits   = 16
	maxAccount = 1 << acctBits
	maxPos     = 1<<posBits - 1
	mulA       = 0x5DEECE66D1 | 1
	mulB       = 0x2545F4914F6CDD1D & idMask
)

// codec encodes and decodes ids for one seed.
type codec struct {
	key1, key2 uint64
	invA, invB uint64
}

func newCodec(seed int64) codec {
	s := uint64(seed)
	return codec{
		key1: splitmix(s^0x9E3779B97F4A7C15) & idMask,
		key2: splitmix(s+0x632BE59BD9B4E019) & idMask,
		invA: modInverse(mulA) & idMask,
		invB: modInverse(mulB|1) & idMask,
	}
}

// modInverse returns the inverse of odd a modulo 2^64 (Newton's method).
func modInverse(a uint64) uint64 {
	x := a
	for i := 0; i < 6; i++ {
		x *= 2 - a*x
	}
	return x
}

func xorshiftInverse(y uint64, s uint) uint64 {
	x := y
	for i := uint(0); i < idBits/s+1; i++ {
		x = y ^ (x >> s)
	}
	return x & idMask
}

func (c codec) permute(x uint64) uint64 {
	x = (x ^ c.key1) & idMask
	x = (x * mulA) & idMask
	x ^= x >> 19
	x = (x * (mulB | 1)) & idMask
	x ^= x >> 23
	x = (x ^ c.key2) & idMask
	return x
}

func (c codec) unpermute(x uint64) uint64 {
	x = (x ^ c.key2) & idMask
	x = xorshiftInverse(x, 23)
	x = (x * c.invB) & idMask
	x = xorshiftInverse(x, 19)
	x = (x * c.invA) & idMask
	x = (x ^ c.key1) & idMask
	return x
}

// ref is a decoded id.
type ref struct {
	kind    kind
	account int
	pos     uint32
}

func (c codec) encode(r ref) string {
	raw := uint64(r.kind)<<(acctBits+posBits) | uint64(r.account)<<posBits | uint64(r.pos)
	return strconv.FormatUint(c.permute(raw), 36)
}

// decode parses an id; ok is false for anything the codec never produced.
func (c codec) decode(id string) (ref, bool) {
	if id == "" || len(id) > 11 {
		return ref{}, false
	}
	n, err := strconv.ParseUint(id, 36, 64)
	if err != nil || n > idMask || strconv.FormatUint(n, 36) != id {
		return ref{}, false // not canonical: upper case, leading zeros, too big
	}
	raw := c.unpermute(n)
	r := ref{
		kind:    kind(raw >> (acctBits + posBits)),
		account: int(raw >> posBits & (maxAccount - 1)),
		pos:     uint32(raw & maxPos),
	}
	if r.kind < kindAccount || r.kind > kindCursor {
		return ref{}, false
	}
	return r, true
}

// cursor makes an opaque cursor that starts a listing at pos. The list
// number ties the cursor to one kind of listing.
func (c codec) cursor(list kind, pos uint32) string {
	return c.encode(ref{kind: kindCursor, account: int(list), pos: pos})
}

func (c codec) parseCursor(list kind, s string) (uint32, bool) {
	r, ok := c.decode(s)
	if !ok || r.kind != kindCursor || r.account != int(list) {
		return 0, false
	}
	return r.pos, true
}

// splitmix is the SplitMix64 finalizer: a cheap, well-mixed hash.
func splitmix(x uint64) uint64 {
	x += 0x9E3779B97F4A7C15
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9
	x = (x ^ (x >> 27)) * 0x94D049BB133111EB
	return x ^ (x >> 31)
}

// hash mixes any number of words into one.
func hash(words ...uint64) uint64 {
	h := uint64(0x243F6A8885A308D3)
	for _, w := range words {
		h = splitmix(h ^ w)
	}
	return h
}

// hashString folds a string into a word (FNV-1a).
func hashString(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}
