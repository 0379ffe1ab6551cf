package oauth1

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"net/http"
	"slices"
	"unicode/utf8"
)

// pair locates one parameter in params.buf: the name is buf[k0:v0] and
// the value buf[v0:v1].
type pair struct {
	k0, v0, v1 int32
	prefix     uint64 // the first 8 bytes of the name, to sort fast
}

// newPair returns the pair of the name buf[k0:v0] and value buf[v0:v1].
func newPair(buf []byte, k0, v0, v1 int) pair {
	var prefix uint64
	name := buf[k0:v0]
	if len(name) >= 8 {
		prefix = binary.BigEndian.Uint64(name)
	} else {
		// Encoded names never hold a zero byte, so zero padding sorts a
		// shorter name first, as byte order does.
		for i := 0; i < 8; i++ {
			prefix <<= 8
			if i < len(name) {
				prefix |= uint64(name[i])
			}
		}
	}
	return pair{int32(k0), int32(v0), int32(v1), prefix}
}

// params collects the request parameters of RFC 5849 §3.4.1.3 in one byte
// buffer, encoded twice (see appendEncodedTwice): sorted, they are copied
// into the base string as they are.
//
// The buffer is append-only, so a range stays valid when it grows; the
// base string, the key, the signature and the header are appended to the
// same buffer after the parameters.
//
// params is passed and returned by value, like a slice with append: that
// lets Sign keep both arrays on its stack.
type params struct {
	buf   []byte
	pairs []pair
}

// span is the range of a value in params.buf; end 0 means absent.
type span struct{ start, end int }

// addOAuth adds a protocol parameter whose name needs no encoding and
// whose value is known to be UTF-8. It also returns the range of the
// value, which the Authorization header reuses.
func addOAuth[T text](p params, name string, value T) (params, span) {
	k0 := len(p.buf)
	p.buf = append(p.buf, name...)
	v0 := len(p.buf)
	p.buf = appendEncodedTwice(p.buf, value)
	p.pairs = append(p.pairs, newPair(p.buf, k0, v0, len(p.buf)))
	return p, span{v0, len(p.buf)}
}

// addOAuthPlain is addOAuth for a value known to be unreserved bytes only,
// which need no encoding: the signature method, the version, the
// timestamp and the default nonce.
func addOAuthPlain[T text](p params, name string, value T) (params, span) {
	k0 := len(p.buf)
	p.buf = append(p.buf, name...)
	v0 := len(p.buf)
	p.buf = append(p.buf, value...)
	p.pairs = append(p.pairs, newPair(p.buf, k0, v0, len(p.buf)))
	return p, span{v0, len(p.buf)}
}

// add adds a decoded name and value, as read from an Authorization header.
func (p params) add(name, value string) (params, error) {
	if !utf8.ValidString(name) {
		return p, fmt.Errorf("parameter name %q is not valid UTF-8", name)
	}
	if !utf8.ValidString(value) {
		return p, fmt.Errorf("value of parameter %q is not valid UTF-8", name)
	}
	k0 := len(p.buf)
	p.buf = appendEncodedTwice(p.buf, name)
	v0 := len(p.buf)
	p.buf = appendEncodedTwice(p.buf, value)
	p.pairs = append(p.pairs, newPair(p.buf, k0, v0, len(p.buf)))
	return p, nil
}

// addForm adds every name=value of application/x-www-form-urlencoded
// data, in order, duplicates included. A part without "=" is a name with an
// empty value; empty parts ("a&&b") are skipped. oauth_signature is never
// signed, wherever it is sent. where names the source for errors.
func addForm[T text](p params, data T, where string) (params, error) {
	for i := 0; i < len(data); i++ {
		if data[i] == '&' {
			continue // an empty part
		}
		start := i
		k0 := len(p.buf)
		part := "name"
		var err error
		p.buf, i, err = appendFormPart(p.buf, data, i, true)
		v0 := len(p.buf)
		if err == nil && i < len(data) && data[i] == '=' {
			part = "value"
			p.buf, i, err = appendFormPart(p.buf, data, i+1, false)
		}
		if err != nil {
			end := start + index(data[start:], '&')
			if end < start {
				end = len(data)
			}
			return p, fmt.Errorf("%s parameter %q: %s %w", where, clip(data[start:end]), part, err)
		}
		if string(p.buf[k0:v0]) == "oauth_signature" {
			p.buf = p.buf[:k0]
			continue
		}
		p.pairs = append(p.pairs, newPair(p.buf, k0, v0, len(p.buf)))
	}
	return p, nil
}

func index[T text](s T, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}

// clip shortens s for an error message.
func clip[T text](s T) string {
	const max = 64
	if len(s) > max {
		return string(s[:max]) + "..."
	}
	return string(s)
}

// sort orders the parameters by encoded name, then encoded value, in
// ascending byte order (RFC 5849 §3.4.1.3.2). The last sorted of them are
// known to be in order already (Sign adds the protocol parameters in
// order): the others are sorted, then merged with them.
func (p params) sort(sorted int) {
	ps := p.pairs
	if len(ps) > 32 || sorted > numSlots {
		slices.SortFunc(ps, p.compare)
		return
	}
	n := len(ps) - sorted
	// Insertion sort: few parameters.
	for i := 1; i < n; i++ {
		x := ps[i]
		j := i
		for ; j > 0 && p.before(x, ps[j-1]); j-- {
			ps[j] = ps[j-1]
		}
		ps[j] = x
	}
	// Merge from the back, the sorted ones set aside.
	var tail [numSlots]pair
	b := tail[:copy(tail[:], ps[n:])]
	i, k := n-1, len(ps)-1
	for j := len(b) - 1; j >= 0; k-- {
		if i >= 0 && p.before(b[j], ps[i]) {
			ps[k] = ps[i]
			i--
		} else {
			ps[k] = b[j]
			j--
		}
	}
}

func (p params) before(a, b pair) bool {
	if a.prefix != b.prefix {
		return a.prefix < b.prefix
	}
	return p.compare(a, b) < 0
}

func (p params) compare(a, b pair) int {
	if a.prefix != b.prefix {
		if a.prefix < b.prefix {
			return -1
		}
		return 1
	}
	if c := bytes.Compare(p.buf[a.k0:a.v0], p.buf[b.k0:b.v0]); c != 0 {
		return c
	}
	return bytes.Compare(p.buf[a.v0:a.v1], p.buf[b.v0:b.v1])
}

// appendNormalized appends the normalized parameter string, name=value
// pairs in order joined by "&", encoded (RFC 5849 §3.4.1.1): the last part
// of the base string.
func (p params) appendNormalized() params {
	for i, q := range p.pairs {
		if i > 0 {
			p.buf = append(p.buf, "%26"...)
		}
		p.buf = append(p.buf, p.buf[q.k0:q.v0]...)
		p.buf = append(p.buf, "%3D"...)
		p.buf = append(p.buf, p.buf[q.v0:q.v1]...)
	}
	return p
}

// appendBaseString sorts the collected parameters (the last sorted of
// which are in order already) and appends the base string: METHOD "&"
// enc(base string URI) "&" enc(normalized parameters). It returns the
// range of the base string in p.buf.
func (p params) appendBaseString(r *http.Request, sorted int) (_ params, bs span, err error) {
	p.sort(sorted)
	bs.start = len(p.buf)
	if p.buf, err = appendMethod(p.buf, r.Method); err != nil {
		return p, bs, err
	}
	p.buf = append(p.buf, '&')
	if p.buf, err = appendBaseURI(p.buf, r); err != nil {
		return p, bs, err
	}
	p.buf = append(p.buf, '&')
	p = p.appendNormalized()
	bs.end = len(p.buf)
	return p, bs, nil
}
