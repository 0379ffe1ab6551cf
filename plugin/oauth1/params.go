package oauth1

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"net/http"
	"slices"
	"unicode/utf8"
)

// pair locates one encoded parameter in params.buf: the name is
// buf[k0:k1] and the value buf[v0:v1].
type pair struct {
	k0, k1, v0, v1 int32
	prefix         uint64 // the first 8 bytes of the name, to sort fast
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
	return pair{int32(k0), int32(v0), int32(v0), int32(v1), prefix}
}

// params collects the request parameters of RFC 5849 §3.4.1.3, already
// percent-encoded, in one byte buffer. Working on encoded bytes is what the
// normalization needs: sorting is by encoded name, then encoded value.
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

// span is the range of an encoded value in params.buf; end 0 means absent.
type span struct{ start, end int }

// addOAuth adds a protocol parameter whose name needs no encoding and
// whose value is known to be UTF-8. It also returns the range of the
// encoded value, which the Authorization header reuses.
func addOAuth[T text](p params, name string, value T) (params, span) {
	k0 := len(p.buf)
	p.buf = append(p.buf, name...)
	v0 := len(p.buf)
	p.buf = appendEncoded(p.buf, value)
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
	p.buf = appendEncoded(p.buf, name)
	v0 := len(p.buf)
	p.buf = appendEncoded(p.buf, value)
	p.pairs = append(p.pairs, newPair(p.buf, k0, v0, len(p.buf)))
	return p, nil
}

// addForm adds every name=value of application/x-www-form-urlencoded
// data, in order, duplicates included. A part without "=" is a name with an
// empty value; empty parts ("a&&b") are skipped. oauth_signature is never
// signed, wherever it is sent. where names the source for errors.
func addForm[T text](p params, data T, where string) (params, error) {
	for len(data) > 0 {
		var part T
		if i := index(data, '&'); i >= 0 {
			part, data = data[:i], data[i+1:]
		} else {
			part, data = data, data[len(data):]
		}
		if len(part) == 0 {
			continue
		}
		name, value := part, part[len(part):]
		if i := index(part, '='); i >= 0 {
			name, value = part[:i], part[i+1:]
		}
		k0 := len(p.buf)
		var err error
		p.buf, err = appendFormComponent(p.buf, name)
		if err != nil {
			return p, fmt.Errorf("%s parameter %q: name %w", where, clip(part), err)
		}
		v0 := len(p.buf)
		if string(p.buf[k0:v0]) == "oauth_signature" {
			p.buf = p.buf[:k0]
			continue
		}
		p.buf, err = appendFormComponent(p.buf, value)
		if err != nil {
			return p, fmt.Errorf("%s parameter %q: value %w", where, clip(part), err)
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
	if len(ps) > 32 {
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
	if n == 0 || sorted == 0 {
		return
	}
	var merged [32]pair
	i, j, k := 0, n, 0
	for i < n && j < len(ps) {
		if p.before(ps[j], ps[i]) {
			merged[k] = ps[j]
			j++
		} else {
			merged[k] = ps[i]
			i++
		}
		k++
	}
	k += copy(merged[k:], ps[i:n])
	copy(merged[k:], ps[j:])
	copy(ps, merged[:len(ps)])
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
	if c := bytes.Compare(p.buf[a.k0:a.k1], p.buf[b.k0:b.k1]); c != 0 {
		return c
	}
	return bytes.Compare(p.buf[a.v0:a.v1], p.buf[b.v0:b.v1])
}

// appendNormalized appends the encoding of the normalized parameter string
// (name=value pairs joined by "&", already sorted) to p.buf, as the last
// part of the base string.
func (p params) appendNormalized() params {
	for i, q := range p.pairs {
		if i > 0 {
			p.buf = append(p.buf, "%26"...)
		}
		p.buf = appendReencoded(p.buf, p.buf[q.k0:q.k1])
		p.buf = append(p.buf, "%3D"...)
		p.buf = appendReencoded(p.buf, p.buf[q.v0:q.v1])
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
