package app

import (
	"bytes"
	"errors"
	"io"
)

// maxInputPiece bounds a piece of a queued import's input in the store:
// a row holds at most this much, and uploading holds one piece in memory.
const maxInputPiece = 4 << 20

// splitInput reads r to its end and hands it to put in pieces of at most
// max bytes, each ending at a line end; a line longer than max goes on in
// the next piece (pieces are read back concatenated). It holds one piece
// in memory; put must not keep piece after it returns. lines is the
// number of line ends in the piece. It returns the bytes read.
func splitInput(r io.Reader, max int, put func(seq int64, piece []byte, lines int64) error) (int64, error) {
	buf := make([]byte, max)
	var n int
	var size int64
	var seq int64
	eof := false
	for {
		for !eof && n < max {
			m, err := r.Read(buf[n:])
			n += m
			size += int64(m)
			if errors.Is(err, io.EOF) {
				eof = true
			} else if err != nil {
				return size, err
			}
		}
		if n == 0 {
			return size, nil
		}
		cut := n
		if !eof {
			if i := bytes.LastIndexByte(buf[:n], '\n'); i >= 0 {
				cut = i + 1
			}
		}
		if err := put(seq, buf[:cut], int64(bytes.Count(buf[:cut], []byte{'\n'}))); err != nil {
			return size, err
		}
		seq++
		n = copy(buf, buf[cut:n])
	}
}
