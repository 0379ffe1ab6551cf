package iostreams

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"
)

// ErrNoTTY means a prompt was needed but standard input is not a terminal.
var ErrNoTTY = errors.New("standard input is not a terminal")

// answer is what one read of standard input gave.
type answer struct {
	text string
	err  error
}

// Prompt writes label to stderr and reads one line from stdin. A secret is
// read without echo. It refuses when stdin is not a terminal.
//
// When ctx ends first (Ctrl-C), it returns ctx's error at once, on a new
// line, with the terminal's echo put back. A line read left waiting is
// the answer of the next prompt, if any: two reads never race.
func (s *IOStreams) Prompt(ctx context.Context, label string, secret bool) (string, error) {
	if !s.inTTY {
		return "", ErrNoTTY
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}
	fmt.Fprint(s.ErrOut, label)
	if f, ok := s.In.(*os.File); ok && secret {
		return s.readHidden(ctx, int(f.Fd()))
	}
	if s.pending == nil {
		if s.reader == nil {
			s.reader = bufio.NewReader(s.In)
		}
		ch := make(chan answer, 1)
		go func() {
			line, err := s.reader.ReadString('\n')
			ch <- answer{line, err}
		}()
		s.pending = ch
	}
	select {
	case a := <-s.pending:
		s.pending = nil
		if a.err != nil && !(errors.Is(a.err, io.EOF) && a.text != "") {
			return "", a.err
		}
		return strings.TrimRight(a.text, "\r\n"), nil
	case <-ctx.Done():
		fmt.Fprintln(s.ErrOut)
		return "", ctx.Err()
	}
}

// readHidden reads a line from the terminal fd without echo. When ctx
// ends first, the terminal is put back as it was and the read is left
// behind: the command is ending.
func (s *IOStreams) readHidden(ctx context.Context, fd int) (string, error) {
	state, stateErr := term.GetState(fd)
	ch := make(chan answer, 1)
	go func() {
		b, err := term.ReadPassword(fd)
		ch <- answer{string(b), err}
	}()
	select {
	case a := <-ch:
		fmt.Fprintln(s.ErrOut)
		return a.text, a.err
	case <-ctx.Done():
		if stateErr == nil {
			term.Restore(fd, state)
		}
		fmt.Fprintln(s.ErrOut)
		return "", ctx.Err()
	}
}
