package twitteradssim

import (
	"encoding/binary"
	"io"
	"net/http"
	"strconv"
)

// maxBlob is the largest body GET /sim/blob streams (1 TiB).
const maxBlob = 1 << 40

// blob serves GET /<v>/sim/blob?size=N: N deterministic bytes (those of
// BlobReader), streamed in small chunks and never held in memory. It is
// the simulator's own endpoint, for streaming tests; it is signed and
// rate-limited like the others but answers application/octet-stream.
func (s *Server) blob(c *call) error {
	v := c.params.Get("size")
	if v == "" {
		return missing("size")
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 || n > maxBlob {
		return invalid("size", "size must be a byte count between 0 and %d", int64(maxBlob))
	}
	h := c.w.Header()
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Content-Length", strconv.FormatInt(n, 10))
	c.w.WriteHeader(http.StatusOK)
	buf := make([]byte, 32<<10)
	io.CopyBuffer(onlyWriter{c.w}, BlobReader(n), buf)
	return nil
}

// onlyWriter hides ReadFrom so CopyBuffer really uses the small buffer.
type onlyWriter struct{ w io.Writer }

func (o onlyWriter) Write(p []byte) (int, error) { return o.w.Write(p) }

// BlobReader returns the size bytes that GET /<v>/sim/blob?size=size
// answers with, so a test can compare what it received.
func BlobReader(size int64) io.Reader {
	return io.LimitReader(&blobStream{}, size)
}

// blobStream yields splitmix64(i) for word i, little endian, forever.
type blobStream struct {
	off  int64
	word [8]byte
}

func (b *blobStream) Read(p []byte) (int, error) {
	for i := range p {
		k := b.off & 7
		if k == 0 {
			binary.LittleEndian.PutUint64(b.word[:], splitmix(uint64(b.off>>3)))
		}
		p[i] = b.word[k]
		b.off++
	}
	return len(p), nil
}
