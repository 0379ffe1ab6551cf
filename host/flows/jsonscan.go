package flows

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// jsonScanner reads JSON values from a stream in one pass, copying each
// value compacted (no whitespace outside strings) or skipping it. It
// checks the structure (nesting, strings, literals) but not every detail
// of the grammar, such as the form of numbers: it splits an API's answer
// into records a hundred times per second without decoding them.
type jsonScanner struct {
	r   io.Reader
	buf []byte
	pos int
	end int
	err error  // of the reader, once it failed or ended
	lit []byte // the literal being read
	// badUTF8 is set when a string copied to a buffer held bytes that
	// are not valid UTF-8. They are copied as they are: the caller
	// decides what to make of them.
	badUTF8 bool
}

func newJSONScanner(r io.Reader) *jsonScanner {
	return &jsonScanner{r: r, buf: make([]byte, 64<<10), lit: make([]byte, 0, 32)}
}

var errSyntax = errors.New("invalid JSON")

// fill reads more input; false at the end of the input or on an error.
func (s *jsonScanner) fill() bool {
	if s.err != nil {
		return false
	}
	if s.pos == s.end {
		s.pos, s.end = 0, 0
	}
	for {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err != nil {
			s.err = err
		}
		if n > 0 || err != nil {
			return n > 0
		}
	}
}

// fail is the error for input that ended or broke where more was needed.
func (s *jsonScanner) fail() error {
	if s.err == nil || s.err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return s.err
}

// token returns the next byte that is not whitespace, consuming it.
func (s *jsonScanner) token() (byte, error) {
	for {
		for s.pos < s.end {
			c := s.buf[s.pos]
			s.pos++
			if c != ' ' && c != '\n' && c != '\t' && c != '\r' {
				return c, nil
			}
		}
		if !s.fill() {
			return 0, s.fail()
		}
	}
}

// expect consumes the next token, which must be want.
func (s *jsonScanner) expect(want byte) error {
	c, err := s.token()
	if err != nil {
		return err
	}
	if c != want {
		return fmt.Errorf("%w: found %q where %q belongs", errSyntax, c, want)
	}
	return nil
}

// atEnd reports whether only whitespace is left.
func (s *jsonScanner) atEnd() bool {
	_, err := s.token()
	return err == io.ErrUnexpectedEOF && (s.err == nil || s.err == io.EOF)
}

// maxDepth bounds the nesting of values, as encoding/json does.
const maxDepth = 10000

// value copies the value that starts with the token c to dst (compacted),
// or skips it when dst is nil.
func (s *jsonScanner) value(c byte, dst *bytes.Buffer) error { return s.nested(c, dst, 0) }

func (s *jsonScanner) nested(c byte, dst *bytes.Buffer, depth int) error {
	switch c {
	case '"':
		return s.str(dst)
	case '{', '[':
	default:
		return s.scalar(c, dst)
	}
	if depth >= maxDepth {
		return fmt.Errorf("%w: nested too deeply", errSyntax)
	}
	obj := c == '{'
	closing := byte(']')
	if obj {
		closing = '}'
	}
	put(dst, c)
	c, err := s.token()
	if err != nil {
		return err
	}
	if c == closing {
		put(dst, c)
		return nil
	}
	for {
		if obj {
			if c != '"' {
				return fmt.Errorf("%w: %q where a key belongs", errSyntax, c)
			}
			if err := s.str(dst); err != nil {
				return err
			}
			if err := s.expect(':'); err != nil {
				return err
			}
			put(dst, ':')
			if c, err = s.token(); err != nil {
				return err
			}
		}
		if err := s.nested(c, dst, depth+1); err != nil {
			return err
		}
		if c, err = s.token(); err != nil {
			return err
		}
		put(dst, c)
		switch c {
		case closing:
			return nil
		case ',':
		default:
			return fmt.Errorf("%w: %q after a value", errSyntax, c)
		}
		if c, err = s.token(); err != nil {
			return err
		}
	}
}

func put(dst *bytes.Buffer, c byte) {
	if dst != nil {
		dst.WriteByte(c)
	}
}

// str copies a string whose opening quote was read. A string it copies
// (not one it skips) is checked for UTF-8: escapes are ASCII, so the
// bytes as they are must be valid UTF-8.
func (s *jsonScanner) str(dst *bytes.Buffer) error {
	mark := 0
	if dst != nil {
		dst.WriteByte('"')
		mark = dst.Len()
	}
	esc := 0      // 1 after a backslash; 2..5 while reading the hex digits of \uXXXX
	high := false // a byte of 0x80 or more: not all ASCII
	for {
		if s.pos == s.end && !s.fill() {
			return s.fail()
		}
		i := s.pos
		for i < s.end {
			c := s.buf[i]
			switch {
			case esc == 1:
				switch c {
				case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
					esc = 0
				case 'u':
					esc = 2
				default:
					return fmt.Errorf("%w: \\%c in a string", errSyntax, c)
				}
			case esc > 1:
				if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
					return fmt.Errorf("%w: %q in a \\u escape", errSyntax, c)
				}
				if esc++; esc == 6 {
					esc = 0
				}
			case c == '\\':
				esc = 1
			case c == '"':
				goto end
			case c < ' ':
				return fmt.Errorf("%w: control character %#x in a string", errSyntax, c)
			case c >= utf8.RuneSelf:
				high = true
			}
			i++
		}
	end:
		if dst != nil {
			dst.Write(s.buf[s.pos:i])
		}
		s.pos = i
		if i < s.end { // the closing quote
			s.pos++
			if dst != nil {
				if high && !utf8.Valid(dst.Bytes()[mark:]) {
					s.badUTF8 = true
				}
				dst.WriteByte('"')
			}
			return nil
		}
	}
}

// scalar copies a number, true, false or null that starts with c.
func (s *jsonScanner) scalar(c byte, dst *bytes.Buffer) error {
	b := append(s.lit[:0], c)
	defer func() { s.lit = b[:0] }()
	for {
		for s.pos < s.end {
			c := s.buf[s.pos]
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c == '-' || c == '+' || c == '.' || c == 'E') {
				return s.literal(b, dst)
			}
			if len(b) >= 32 && !(b[0] == '-' || b[0] >= '0' && b[0] <= '9') {
				return fmt.Errorf("%w: %q...", errSyntax, b)
			}
			b = append(b, c)
			s.pos++
		}
		if !s.fill() {
			if s.err != io.EOF {
				return s.fail()
			}
			return s.literal(b, dst)
		}
	}
}

func (s *jsonScanner) literal(b []byte, dst *bytes.Buffer) error {
	switch c := b[0]; {
	case c == '-' || c >= '0' && c <= '9':
		if !validNumber(b) {
			return fmt.Errorf("%w: %q is not a number", errSyntax, b)
		}
	case string(b) == "true" || string(b) == "false" || string(b) == "null":
	default:
		return fmt.Errorf("%w: %q", errSyntax, b)
	}
	if dst != nil {
		dst.Write(b)
	}
	return nil
}

// validNumber checks JSON's number grammar:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func validNumber(b []byte) bool {
	i := 0
	digits := func() int {
		n := 0
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i, n = i+1, n+1
		}
		return n
	}
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case digits() == 0:
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(b)
}
