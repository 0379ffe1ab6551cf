package flows

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"

	"github.com/openintegrator/integrator/host/store"
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
	leases        []*store.Lease
}

func openOutputs(ctx context.Context, s *store.Store, o store.Owner, results, errs string, stdout io.Writer) (*outputs, error) {
	outs := &outputs{results: stdout}
	open := func(name string) (*partFile, error) {
		path, err := filepath.Abs(name)
		if err != nil {
			return nil, err
		}
		owners, err := partOwners(ctx, s, path, "")
		if err != nil {
			return nil, err
		}
		if len(owners) > 0 {
			return nil, ownedError(path, owners, false)
		}
		l, err := holdOutput(ctx, s, path, o)
		if err != nil {
			return nil, err
		}
		outs.leases = append(outs.leases, l)
		f, err := openPart(path)
		if err != nil {
			return nil, err
		}
		if err := f.cut(0); err != nil {
			f.Close()
			return nil, err
		}
		outs.files = append(outs.files, f)
		return f, nil
	}
	if results != "" && results != "-" {
		f, err := open(results)
		if err != nil {
			outs.abandon()
			return nil, err
		}
		outs.results = f
	}
	if errs != "" {
		f, err := open(errs)
		if err != nil {
			outs.abandon()
			return nil, err
		}
		outs.errs = f
	}
	return outs, nil
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

// abandon removes what was not committed, and gives the outputs up.
func (o *outputs) abandon() {
	for _, f := range o.files {
		f.abandon()
	}
	o.files = nil
	for _, l := range o.leases {
		l.Release()
	}
	o.leases = nil
}
