package oauthtestapi

import (
	"bytes"
	"crypto/subtle"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/openintegrator/integrator/plugin/oauth1"
)

// maxSkew is the largest accepted distance of oauth_timestamp from the
// server's clock.
const maxSkew = 5 * time.Minute

// verify checks a /v1 request's signature (any method, any placement),
// timestamp, nonce and API key, and records it. body is the request's
// body, read already.
func (s *Server) verify(r *http.Request, body []byte) (oauth1.Verified, string) {
	c := s.Credentials
	r.Body = io.NopCloser(bytes.NewReader(body))
	v, err := oauth1.VerifyKeys(r, func(consumerKey, token string) (oauth1.Keys, error) {
		if token != "" && token != c.AccessToken {
			return oauth1.Keys{}, errors.New("unknown token")
		}
		switch consumerKey {
		case c.ConsumerKey:
			k := oauth1.Keys{ConsumerSecret: c.ConsumerSecret}
			if token != "" {
				k.TokenSecret = c.TokenSecret
			}
			return k, nil
		case c.RSAConsumerKey:
			return oauth1.Keys{PublicKey: s.public}, nil
		}
		return oauth1.Keys{}, errors.New("unknown consumer key")
	})
	r.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil {
		return v, err.Error()
	}
	if !v.Timestamp.IsZero() && (time.Since(v.Timestamp) > maxSkew || time.Until(v.Timestamp) > maxSkew) {
		return v, "oauth_timestamp is more than 5 minutes from the server's clock"
	}
	if subtle.ConstantTimeCompare([]byte(r.Header.Get("X-Api-Key")), []byte(c.APIKey)) != 1 {
		return v, "missing or wrong X-Api-Key header"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if v.Nonce != "" {
		seen := v.ConsumerKey + "\x00" + v.Nonce + "\x00" + v.Timestamp.String()
		if s.nonces[seen] {
			return v, "oauth_nonce was used before"
		}
		if len(s.nonces) > 100_000 {
			clear(s.nonces)
		}
		s.nonces[seen] = true
	}
	u := *r.URL
	u.Scheme, u.Host = "http", r.Host
	s.received = append(s.received, Received{Method: r.Method, URL: u.String(), Header: r.Header.Clone(), Body: string(body)})
	return v, ""
}

// placement says where the request's OAuth parameters were.
func placement(r *http.Request) string {
	switch {
	case strings.HasPrefix(r.Header.Get("Authorization"), "OAuth "):
		return "header"
	case r.URL.Query().Has("oauth_signature"):
		return "query"
	}
	return "body"
}

// realm is the realm of the Authorization header, or "".
func realm(r *http.Request) string {
	h := strings.TrimPrefix(r.Header.Get("Authorization"), "OAuth ")
	if v, ok := strings.CutPrefix(h, `realm="`); ok {
		end := strings.IndexByte(v, '"')
		if end >= 0 {
			return v[:end]
		}
	}
	return ""
}
