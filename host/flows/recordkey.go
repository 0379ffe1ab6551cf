package flows

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/openintegrator/integrator/host/store"
)

// A record's identity is what it is, not where it was read: the SHA-256 of
// its canonical JSON, with which occurrence of it in the input it is.
// Canonical JSON has the keys of every object sorted (by their UTF-8
// bytes), no space between tokens, strings written with the fewest
// escapes, and numbers as written (1 and 1.0 are two records, as the API
// receives two different texts). So a record keeps its identity when its
// line moves, its keys are reordered or its spacing changes, and a record
// whose content changes is a new record.

// checkText refuses what JSON parsing would silently change: bytes that
// are not UTF-8, and \u escapes of half a surrogate pair (both would
// become U+FFFD, so the API would receive other text than the file holds).
func checkText(raw []byte) error {
	if !utf8.Valid(raw) {
		for i := 0; i < len(raw); {
			r, n := utf8.DecodeRune(raw[i:])
			if r == utf8.RuneError && n == 1 {
				return fmt.Errorf("the record is not valid UTF-8 (byte %d is 0x%02x); fix the file's encoding", i+1, raw[i])
			}
			i += n
		}
	}
	// In valid JSON a backslash occurs only inside strings.
	for i := 0; i < len(raw); i++ {
		if raw[i] != '\\' || i+1 >= len(raw) {
			continue
		}
		if raw[i+1] != 'u' || i+6 > len(raw) {
			i++
			continue
		}
		r := hex4(raw[i+2 : i+6])
		switch {
		case r >= 0xD800 && r < 0xDC00:
			if i+12 > len(raw) || raw[i+6] != '\\' || raw[i+7] != 'u' {
				return fmt.Errorf("the record holds \\u%s, half of a surrogate pair, at byte %d: it is not a character", raw[i+2:i+6], i+1)
			}
			if lo := hex4(raw[i+8 : i+12]); lo < 0xDC00 || lo > 0xDFFF {
				return fmt.Errorf("the record holds \\u%s, half of a surrogate pair, at byte %d: it is not a character", raw[i+2:i+6], i+1)
			}
			i += 11
		case r >= 0xDC00 && r <= 0xDFFF:
			return fmt.Errorf("the record holds \\u%s, half of a surrogate pair, at byte %d: it is not a character", raw[i+2:i+6], i+1)
		default:
			i += 5
		}
	}
	return nil
}

func hex4(b []byte) rune {
	n, err := strconv.ParseUint(string(b), 16, 32)
	if err != nil {
		return -1
	}
	return rune(n)
}

// canonical returns the canonical JSON of one JSON value. An object with
// a key twice is refused: which of the two the API would take is not
// known.
func canonical(raw []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var b bytes.Buffer
	if err := canonicalValue(dec, &b, ""); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("more than one JSON value on the line")
	}
	return b.Bytes(), nil
}

func canonicalValue(dec *json.Decoder, b *bytes.Buffer, at string) error {
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	switch t := tok.(type) {
	case json.Delim:
		if t == '[' {
			b.WriteByte('[')
			for i := 0; dec.More(); i++ {
				if i > 0 {
					b.WriteByte(',')
				}
				if err := canonicalValue(dec, b, fmt.Sprintf("%s[%d]", at, i)); err != nil {
					return err
				}
			}
			_, err := dec.Token()
			b.WriteByte(']')
			return err
		}
		type member struct {
			key   string
			value []byte
		}
		var ms []member
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return fmt.Errorf("not JSON: %w", err)
			}
			key := kt.(string)
			path := key
			if at != "" {
				path = at + "." + key
			}
			if slices.ContainsFunc(ms, func(m member) bool { return m.key == key }) {
				return fmt.Errorf("field %q appears twice", path)
			}
			var v bytes.Buffer
			if err := canonicalValue(dec, &v, path); err != nil {
				return err
			}
			ms = append(ms, member{key, v.Bytes()})
		}
		if _, err := dec.Token(); err != nil {
			return err
		}
		slices.SortFunc(ms, func(x, y member) int { return bytes.Compare([]byte(x.key), []byte(y.key)) })
		b.WriteByte('{')
		for i, m := range ms {
			if i > 0 {
				b.WriteByte(',')
			}
			writeString(b, m.key)
			b.WriteByte(':')
			b.Write(m.value)
		}
		b.WriteByte('}')
	case string:
		writeString(b, t)
	case json.Number:
		b.WriteString(t.String())
	case bool:
		b.WriteString(strconv.FormatBool(t))
	case nil:
		b.WriteString("null")
	}
	return nil
}

// writeString writes s as a JSON string, escaping only what must be.
func writeString(b *bytes.Buffer, s string) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	b.Truncate(b.Len() - 1) // Encode's newline
}

// occurrences numbers the records of one input: the n-th record with a
// given hash is occurrence n.
type occurrences map[[sha256.Size]byte]int64

func (o occurrences) key(canon []byte) store.RecordKey {
	sum := sha256.Sum256(canon)
	o[sum]++
	return store.RecordKey{Hash: hex.EncodeToString(sum[:]), Occurrence: o[sum]}
}
