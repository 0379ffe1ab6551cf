package iostreams

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"
)

// ErrNoTTY means a prompt was needed but standard input is not a terminal.
var ErrNoTTY = errors.New("standard input is not a terminal")

// Prompt writes label to stderr and reads one line from stdin. A secret is
// read without echo. It refuses when stdin is not a terminal.
func (s *IOStreams) Prompt(label string, secret bool) (string, error) {
	if !s.inTTY {
		return "", ErrNoTTY
	}
	fmt.Fprint(s.ErrOut, label)
	if secret {
		if f, ok := s.In.(*os.File); ok {
			b, err := term.ReadPassword(int(f.Fd()))
			fmt.Fprintln(s.ErrOut)
			return string(b), err
		}
	}
	if s.reader == nil {
		s.reader = bufio.NewReader(s.In)
	}
	line, err := s.reader.ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && line != "") {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}
