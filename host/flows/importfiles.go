package flows

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
)

// hashInput returns the SHA-256 of the file's content and its number of
// lines that are not blank.
func hashInput(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	r := bufio.NewReaderSize(io.TeeReader(f, h), 64<<10)
	var n int64
	blank := true
	for {
		chunk, err := r.ReadSlice('\n')
		blank = blank && len(bytes.TrimSpace(chunk)) == 0
		if err == bufio.ErrBufferFull {
			continue // the rest of a long line follows
		}
		if !blank {
			n++
		}
		blank = true
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", 0, err
		}
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// outputs are an import's results and error files, written as .part files
// and put in place at the end.
type outputs struct {
	results, errs io.Writer
	files         []*partFile
}

func openOutputs(results, errs string, stdout io.Writer) (*outputs, error) {
	o := &outputs{results: stdout}
	if results != "" && results != "-" {
		f, err := openPart(results)
		if err != nil {
			return nil, err
		}
		if err := f.cut(0); err != nil {
			f.Close()
			return nil, err
		}
		o.files, o.results = append(o.files, f), f
	}
	if errs != "" {
		f, err := openPart(errs)
		if err != nil {
			o.abandon()
			return nil, err
		}
		if err := f.cut(0); err != nil {
			f.Close()
			o.abandon()
			return nil, err
		}
		o.files, o.errs = append(o.files, f), f
	}
	return o, nil
}

func (o *outputs) commit() error {
	for _, f := range o.files {
		if err := f.commit(); err != nil {
			return err
		}
	}
	o.files = nil
	return nil
}

// abandon removes what was not committed.
func (o *outputs) abandon() {
	for _, f := range o.files {
		f.abandon()
	}
	o.files = nil
}
