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

var (
	errBadEscape = errors.New("has an invalid percent-escape")
	errNotUTF8   = errors.New("is not valid UTF-8 once decoded")
)

// appendEncoded appends the RFC 5849 §3.6 percent-encoding of s to dst:
// every byte but the unreserved ones becomes %XX with upper-case hex.
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

// Parameters are stored encoded twice, the form they take in the base
// string, where the normalized parameter string is encoded once more: a
// byte that needs escaping becomes "%25XX" rather than "%XX". Sorting the
// twice-encoded forms gives the order of the once-encoded ones that RFC
// 5849 §3.4.1.3.2 prescribes: the first byte where two such strings differ
// is the same byte in both encodings, "%" included.

// appendEncodedTwice appends the encoding of the encoding of s.
func appendEncodedTwice[T text](dst []byte, s T) []byte {
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved[c] {
			continue
		}
		dst = append(dst, s[start:i]...)
		dst = append(dst, '%', '2', '5', upperHex[c>>4], upperHex[c&15])
		start = i + 1
	}
	return append(dst, s[start:]...)
}

// appendEncodedOnce appends the once-encoded form of twice, an encoding
// made by appendEncodedTwice: each "%25" becomes "%".
func appendEncodedOnce(dst, twice []byte) []byte {
	for {
		i := bytes.IndexByte(twice, '%')
		if i < 0 || i+3 > len(twice) {
			return append(dst, twice...)
		}
		dst = append(dst, twice[:i+1]...)
		twice = twice[i+3:]
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

// appendFormPart decodes application/x-www-form-urlencoded data ("+" is a
// space, %XX a byte) from data[i:] up to the next "&", or also "=" when
// name is set, and appends the decoded bytes encoded twice. It returns the
// index of that delimiter (len(data) if none) and checks that the decoded
// bytes are UTF-8.
func appendFormPart[T text](dst []byte, data T, i int, name bool) ([]byte, int, error) {
	start := len(dst)
	ascii := true
	for i < len(data) {
		j := i
		for j < len(data) && unreserved[data[j]] {
			j++
		}
		dst = append(dst, data[i:j]...)
		if i = j; i == len(data) {
			break
		}
		c := data[i]
		switch {
		case c == '&' || c == '=' && name:
			return dst, i, checkUTF8(dst[start:], ascii)
		case c == '+':
			dst = append(dst, "%2520"...)
			i++
			continue
		case c == '%':
			if i+2 >= len(data) {
				return dst, i, errBadEscape
			}
			hi, ok1 := unhex(data[i+1])
			lo, ok2 := unhex(data[i+2])
			if !ok1 || !ok2 {
				return dst, i, errBadEscape
			}
			c = hi<<4 | lo
			i += 3
			if unreserved[c] {
				dst = append(dst, c)
				continue
			}
		default:
			i++
		}
		ascii = ascii && c < utf8.RuneSelf
		dst = append(dst, '%', '2', '5', upperHex[c>>4], upperHex[c&15])
	}
	return dst, i, checkUTF8(dst[start:], ascii)
}

// checkUTF8 checks that twice, encoded by this package, decodes to UTF-8;
// ascii says it has no byte to check.
func checkUTF8(twice []byte, ascii bool) error {
	if ascii {
		return nil
	}
	dec := make([]byte, 0, len(twice)/5+1)
	for i := 0; i < len(twice); i++ {
		c := twice[i]
		if c == '%' { // %25XX
			hi, _ := unhex(twice[i+3])
			lo, _ := unhex(twice[i+4])
			c = hi<<4 | lo
			i += 4
		}
		dec = append(dec, c)
	}
	if !utf8.Valid(dec) {
		return errNotUTF8
	}
	return nil
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
	if len(s) < 3*n {
		return "", errBadEscape // too short for n escapes
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
