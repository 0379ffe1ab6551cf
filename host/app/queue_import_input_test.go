package app

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"testing/iotest"
)

// An input is stored in pieces of at most the limit, each ending at a
// line end, which put back together are the input; a line longer than a
// piece goes on in the next one.
func TestSplitInput(t *testing.T) {
	long := strings.Repeat("x", 25)
	in := "a\nbb\nccc\n" + long + "\ndd\n\nlast without end"
	var got bytes.Buffer
	var pieces []string
	var lines int64
	size, err := splitInput(iotest.OneByteReader(strings.NewReader(in)), 10, func(seq int64, piece []byte, n int64) error {
		if seq != int64(len(pieces)) {
			t.Errorf("piece %d handed as %d", len(pieces), seq)
		}
		if len(piece) > 10 {
			t.Errorf("piece %d holds %d bytes", seq, len(piece))
		}
		pieces = append(pieces, string(piece))
		got.Write(piece)
		lines += n
		return nil
	})
	if err != nil || size != int64(len(in)) || got.String() != in {
		t.Fatalf("%d bytes, %v: %q", size, err, got.String())
	}
	want := []string{"a\nbb\nccc\n", "xxxxxxxxxx", "xxxxxxxxxx", "xxxxx\ndd\n\n", "last witho", "ut end"}
	if strings.Join(pieces, "|") != strings.Join(want, "|") {
		t.Errorf("pieces %q, want %q", pieces, want)
	}
	if lines != 6 {
		t.Errorf("%d line ends", lines)
	}
	// What put refuses ends it.
	boom := errors.New("boom")
	if _, err := splitInput(strings.NewReader(in), 10, func(int64, []byte, int64) error { return boom }); !errors.Is(err, boom) {
		t.Errorf("refused put: %v", err)
	}
	if _, err := splitInput(strings.NewReader(""), 10, func(int64, []byte, int64) error { t.Error("a piece of nothing"); return nil }); err != nil {
		t.Error(err)
	}
}
