package flows

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// lineReader reads an input's lines, each up to a limit: a longer line is
// skipped over without being held in memory, and reported with its length
// and place, so that it can be copied from the file when needed.
type lineReader struct {
	r      *bufio.Reader
	max    int
	offset int64 // of the next line
	buf    []byte
}

// inputLine is one line of an input, without its line ending.
type inputLine struct {
	text   []byte // the line; nil when long
	long   bool   // longer than the limit
	offset int64  // where it starts in the input
	size   int64  // its length, without the line ending
}

func newLineReader(r io.Reader, max int) *lineReader {
	return &lineReader{r: bufio.NewReaderSize(r, 64<<10), max: max}
}

// next returns the next line; io.EOF after the last.
func (lr *lineReader) next() (inputLine, error) {
	ln := inputLine{offset: lr.offset}
	lr.buf = lr.buf[:0]
	over := false
	var read int64
	var last [2]byte // the line's last two bytes
	for {
		chunk, err := lr.r.ReadSlice('\n')
		read += int64(len(chunk))
		for _, c := range chunk[max(len(chunk)-2, 0):] {
			last[0], last[1] = last[1], c
		}
		if !over {
			if len(lr.buf)+len(chunk) > lr.max+2 { // +2: the line ending is not the record's
				over = true
				lr.buf = lr.buf[:0]
			} else {
				lr.buf = append(lr.buf, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		lr.offset += read
		if err != nil && err != io.EOF {
			return ln, err
		}
		if read == 0 && err == io.EOF {
			return ln, io.EOF
		}
		ln.size = read
		if ln.size > 0 && last[1] == '\n' {
			ln.size--
			if ln.size > 0 && last[0] == '\r' {
				ln.size--
			}
		}
		if !over {
			ln.text = bytes.TrimRight(lr.buf, "\r\n")
		}
		if ln.long = over || len(ln.text) > lr.max; ln.long {
			ln.text = nil
		}
		return ln, nil
	}
}
