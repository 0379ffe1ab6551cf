package flows

import (
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLineReader(t *testing.T) {
	long := strings.Repeat("x", 100<<10) // longer than the reader's buffer
	in := "a\r\n\n" + long + "\r\nbb\n" + strings.Repeat("y", 11) + "\n" + "ccc"
	lr := newLineReader(strings.NewReader(in), 10)
	type line struct {
		Text   string
		Long   bool
		Offset int64
		Size   int64
	}
	var got []line
	for {
		ln, err := lr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, line{string(ln.text), ln.long, ln.offset, ln.size})
		if ln.long && in[ln.offset:ln.offset+ln.size] != strings.Repeat(in[ln.offset:ln.offset+1], int(ln.size)) {
			t.Errorf("offset/size of a long line do not frame it: %d %d", ln.offset, ln.size)
		}
	}
	lo := int64(4 + len(long) + 2)
	want := []line{
		{"a", false, 0, 1},
		{"", false, 3, 0},
		{"", true, 4, int64(len(long))},
		{"bb", false, lo, 2},
		{"", true, lo + 3, 11},
		{"ccc", false, lo + 15, 3},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("lines (-want +got):\n%s", d)
	}
}
