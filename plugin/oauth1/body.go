package oauth1

import (
	"bytes"
	"crypto"
	"crypto/fips140"
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

const formType = "application/x-www-form-urlencoded"

// isForm reports whether the body is application/x-www-form-urlencoded,
// the only kind whose parameters are signed (RFC 5849 §3.4.1.3.1). The
// media type is matched without regard to case and may carry parameters
// such as "; charset=utf-8".
func isForm(h http.Header) bool {
	ct := h.Get("Content-Type")
	if ct == "" {
		return false
	}
	media, _, _ := strings.Cut(ct, ";")
	return strings.EqualFold(strings.TrimSpace(media), formType)
}

// readBody reads r.Body to its end and puts back a body that reads the
// same bytes, so the request can still be sent or handled. If r.GetBody is
// nil it is set to return the same bytes too. A body of more than limit
// bytes (when limit >= 0) is an error; the body then still reads whole.
func readBody(r *http.Request, limit int64) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	// Trust Content-Length for the first allocation only so far.
	hint := int64(512)
	if r.ContentLength > 0 && r.ContentLength <= 4<<20 && (limit < 0 || r.ContentLength <= limit) {
		hint = r.ContentLength
	}
	b := make([]byte, 0, hint+1)
	orig := r.Body
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := orig.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if limit >= 0 && int64(len(b)) > limit {
			r.Body = readCloser{io.MultiReader(bytes.NewReader(b), orig), orig}
			return nil, fmt.Errorf("body is larger than %d bytes", limit)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			r.Body = readCloser{io.MultiReader(bytes.NewReader(b), orig), orig}
			return nil, err
		}
	}
	orig.Close()
	r.Body = newBodyReader(b)
	if r.GetBody == nil {
		r.GetBody = func() (io.ReadCloser, error) { return newBodyReader(b), nil }
	}
	return b, nil
}

// bodyReader is the body put back after reading: a bytes.Reader (which
// lets the transport use WriteTo) with a no-op Close.
type bodyReader struct{ bytes.Reader }

func newBodyReader(b []byte) *bodyReader {
	br := new(bodyReader)
	br.Reset(b)
	return br
}

func (*bodyReader) Close() error { return nil }

type readCloser struct {
	io.Reader
	io.Closer
}

var errBodyHashFIPS = errors.New("oauth_body_hash uses SHA-1 with this method, which is not allowed in FIPS 140-only mode")

// maxBodyHash is the length of the longest oauth_body_hash: base64 of a
// SHA-512 digest.
const maxBodyHash = 88

// appendBodyHash appends the oauth_body_hash of body: base64 of its digest
// under the hash of the signature method m. The OAuth Request Body Hash
// extension defines SHA-1 for HMAC-SHA1 and RSA-SHA1 (and so for
// PLAINTEXT, which it does not recommend); the SHA-256 and SHA-512
// methods use their own hash. A request without a body hashes the empty
// string.
func appendBodyHash(dst []byte, m Method, body []byte) ([]byte, error) {
	h := m.hash()
	if h == crypto.SHA1 && fips140.Enforced() {
		return dst, errBodyHashFIPS
	}
	var sum [sha512.Size]byte
	return base64.StdEncoding.AppendEncode(dst, digest(sum[:0], h, body)), nil
}
