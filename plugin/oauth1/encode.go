package oauth1

import (
	"bytes"
	"errors"
	"unicode/utf8"
)

// text is a byte sequence: the encoders take a query string as it is and a
// body as it was read, without converting one into the other.
type text interface{ ~string | ~[]byte }

const upperHex = "0123456789ABCDEF"

// unreserved marks the bytes RFC 5849 §3.6 leaves as they are:
// ALPHA, DIGIT, "-", ".", "_" and "~".
var unreserved = func() (t [256]bool) {
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = true
		t[c+'a'-'A'] = true
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	t['-'], t['.'], t['_'], t['~'] = true, true, true, true
	return t
}()

var errBadEscape = errors.New("has an invalid percent-escape")

// appendEncoded appends the RFC 5849 §3.6 percent-encoding of s to dst:
// every byte but the unreserved ones becomes %XX with upper-case hex.
// Encoding an already encoded string again only turns each "%" into "%25".
func appendEncoded[T text](dst []byte, s T) []byte {
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved[c] {
			continue
		}
		dst = append(dst, s[start:i]...)
		dst = append(dst, '%', upperHex[c>>4], upperHex[c&15])
		start = i + 1
	}
	return append(dst, s[start:]...)
}

// appendReencoded appends the encoding of enc, itself an encoding made by
// appendEncoded: only "%" needs encoding, as "%25".
func appendReencoded(dst, enc []byte) []byte {
	for {
		i := bytes.IndexByte(enc, '%')
		if i < 0 {
			return append(dst, enc...)
		}
		dst = append(dst, enc[:i]...)
		dst = append(dst, "%25"...)
		enc = enc[i+1:]
	}
}

// appendEncodedLower is appendEncoded after ASCII lower-casing, for the
// scheme and host of the base string URI.
func appendEncodedLower(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if unreserved[c] {
			dst = append(dst, c)
		} else {
			dst = append(dst, '%', upperHex[c>>4], upperHex[c&15])
		}
	}
	return dst
}

// appendFormComponent decodes s as one name or value of
// application/x-www-form-urlencoded data ("+" is a space, %XX is a byte)
// and appends the RFC 5849 encoding of the result to dst. It checks that the
// decoded bytes are UTF-8.
func appendFormComponent[T text](dst []byte, s T) ([]byte, error) {
	start := len(dst)
	ascii := true
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && unreserved[s[j]] {
			j++
		}
		dst = append(dst, s[i:j]...)
		if j == len(s) {
			break
		}
		c := s[j]
		i = j + 1
		switch c {
		case '+':
			dst = append(dst, "%20"...)
			continue
		case '%':
			if i+1 >= len(s) {
				return dst, errBadEscape
			}
			hi, ok1 := unhex(s[i])
			lo, ok2 := unhex(s[i+1])
			if !ok1 || !ok2 {
				return dst, errBadEscape
			}
			c = hi<<4 | lo
			i += 2
			if unreserved[c] {
				dst = append(dst, c)
				continue
			}
		}
		ascii = ascii && c < utf8.RuneSelf
		dst = append(dst, '%', upperHex[c>>4], upperHex[c&15])
	}
	if !ascii && !validEncodedUTF8(dst[start:]) {
		return dst, errNotUTF8
	}
	return dst, nil
}

var errNotUTF8 = errors.New("is not valid UTF-8 once decoded")

// validEncodedUTF8 reports whether enc, an RFC 5849 encoding written by this
// package, decodes to valid UTF-8.
func validEncodedUTF8(enc []byte) bool {
	dec := make([]byte, 0, len(enc)/3+1)
	for i := 0; i < len(enc); i++ {
		c := enc[i]
		if c == '%' {
			hi, _ := unhex(enc[i+1])
			lo, _ := unhex(enc[i+2])
			c = hi<<4 | lo
			i += 2
		}
		dec = append(dec, c)
	}
	return utf8.Valid(dec)
}

// percentDecode strictly decodes an RFC 5849 encoded string: %XX is a byte
// and every other byte, "+" included, stands for itself.
func percentDecode(s string) (string, error) {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '%' {
			n++
		}
	}
	if n == 0 {
		return s, nil
	}
	dec := make([]byte, 0, len(s)-2*n)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '%' {
			if i+2 >= len(s) {
				return "", errBadEscape
			}
			hi, ok1 := unhex(s[i+1])
			lo, ok2 := unhex(s[i+2])
			if !ok1 || !ok2 {
				return "", errBadEscape
			}
			c = hi<<4 | lo
			i += 2
		}
		dec = append(dec, c)
	}
	return string(dec), nil
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
