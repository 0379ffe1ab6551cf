package oauth1

import (
	"errors"
	"fmt"
	"io"
	"net/http"
)

// Placement says where Sign sends the protocol parameters (RFC 5849 §3.5).
// The zero Placement is InHeader.
type Placement int

const (
	// InHeader sends them in the Authorization header (§3.5.1), the
	// preferred way and the only one with a realm.
	InHeader Placement = iota
	// InBody appends them to a form-encoded body (§3.5.2): the request's
	// Content-Type must be application/x-www-form-urlencoded.
	InBody
	// InQuery appends them to the query string (§3.5.3).
	InQuery
)

func (p Placement) String() string {
	switch p {
	case InHeader:
		return "InHeader"
	case InBody:
		return "InBody"
	case InQuery:
		return "InQuery"
	}
	return fmt.Sprintf("Placement(%d)", int(p))
}

var (
	errBodyNotForm = errors.New("InBody needs a form body: set Content-Type: " + formType + ", or use InHeader or InQuery")
	errRealmPlaced = errors.New("a realm is sent only in the Authorization header (RFC 5849 §3.5.1): leave Realm empty or use InHeader")
)

func (p Placement) check() error {
	switch p {
	case InHeader, InBody, InQuery:
		return nil
	}
	return fmt.Errorf("unknown Placement %d: use InHeader, InBody or InQuery", int(p))
}

// isSignerParam reports whether name is one Sign sends. Before it appends
// them to a query or body, Sign drops those already in the query and form
// body, so that a request signed again (a retry) carries one set.
func isSignerParam(name []byte) bool {
	if len(name) < len("oauth_") || string(name[:len("oauth_")]) != "oauth_" {
		return false
	}
	for _, s := range slotNames {
		if string(name) == s {
			return true
		}
	}
	return false
}

// withoutSignerParams returns form data without the parameters Sign
// sends, or data itself if it has none. A part whose name does not decode
// is kept: signing reports it.
func withoutSignerParams[T text](data T) T {
	var kept []byte
	dropped := false
	var nameBuf [32]byte
	for i := 0; i < len(data); {
		end := i + index(data[i:], '&')
		if end < i {
			end = len(data)
		}
		part := data[i:end]
		eq := index(part, '=')
		if eq < 0 {
			eq = len(part)
		}
		name, ok := formDecode(nameBuf[:0], part[:eq])
		drop := ok && isSignerParam(name)
		if drop && !dropped {
			dropped = true
			kept = append(make([]byte, 0, len(data)), data[:i]...)
			for len(kept) > 0 && kept[len(kept)-1] == '&' {
				kept = kept[:len(kept)-1]
			}
		}
		if dropped && !drop && len(part) > 0 {
			if len(kept) > 0 {
				kept = append(kept, '&')
			}
			kept = append(kept, part...)
		}
		i = end + 1
	}
	if !dropped {
		return data
	}
	return T(kept)
}

// formDecode appends the form-decoded s ("+" a space, %XX a byte) to dst;
// ok is false on a bad escape.
func formDecode[T text](dst []byte, s T) ([]byte, bool) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '+':
			dst = append(dst, ' ')
		case '%':
			if i+2 >= len(s) {
				return dst, false
			}
			hi, ok1 := unhex(s[i+1])
			lo, ok2 := unhex(s[i+2])
			if !ok1 || !ok2 {
				return dst, false
			}
			dst = append(dst, hi<<4|lo)
			i += 2
		default:
			dst = append(dst, c)
		}
	}
	return dst, true
}

// appendParamForm appends the protocol parameters present in slots as
// form data, name=value joined by "&", encoded as RFC 5849 §3.6 says.
func appendParamForm(dst []byte, slots [numSlots]span) []byte {
	first := true
	for i, v := range slots {
		if v.end == 0 {
			continue
		}
		if !first {
			dst = append(dst, '&')
		}
		first = false
		dst = append(dst, slotNames[i]...)
		dst = append(dst, '=')
		dst = appendEncodedOnce(dst, dst[v.start:v.end])
	}
	return dst
}

// joinForm joins two pieces of form data with "&".
func joinForm[T text](a T, b []byte) []byte {
	out := make([]byte, 0, len(a)+1+len(b))
	out = append(out, a...)
	if len(a) > 0 && a[len(a)-1] != '&' {
		out = append(out, '&')
	}
	return append(out, b...)
}

// place sends the protocol parameters of slots, from p.buf, in the query
// or the body of r; query and body are the request's own, as signed,
// without the parameters Sign sends (bodyChanged says some were dropped
// from the body). It also removes an OAuth Authorization header left from
// an earlier signing.
func place(r *http.Request, where Placement, p params, slots [numSlots]span, query string, body []byte, bodyChanged bool) {
	f0 := len(p.buf)
	form := appendParamForm(p.buf, slots)[f0:]
	if where == InQuery {
		r.URL.RawQuery = string(joinForm(query, form))
	} else {
		r.URL.RawQuery = query
	}
	if where == InBody {
		body = joinForm(body, form)
	}
	if where == InBody || bodyChanged {
		r.Body = newBodyReader(body)
		r.GetBody = func() (io.ReadCloser, error) { return newBodyReader(body), nil }
		r.ContentLength = int64(len(body))
	}
	if vs := r.Header.Values("Authorization"); len(vs) > 0 {
		kept := vs[:0:0]
		for _, v := range vs {
			if !isOAuthScheme(v) {
				kept = append(kept, v)
			}
		}
		if len(kept) == 0 {
			r.Header.Del("Authorization")
		} else {
			r.Header["Authorization"] = kept
		}
	}
}
