package oauth1

import (
	"bytes"
	"crypto/subtle"
	"fmt"
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"
)

// SecretLookup returns the consumer secret and token secret for a consumer key and token.
// It returns an error when the key or token is unknown.
type SecretLookup func(consumerKey, token string) (consumerSecret, tokenSecret string, err error)

// Verified is what a valid Authorization header said.
type Verified struct {
	ConsumerKey, Token, Nonce string
	Timestamp                 time.Time
	Method                    Method
}

// VerifyError says why a request's signature does not hold (Reason is a short human sentence, never containing a secret).
type VerifyError struct{ Reason string }

func (e *VerifyError) Error() string { return "oauth1: " + e.Reason }

// Verify parses r's OAuth Authorization header, looks up the secrets, recomputes the signature over
// r as received (query, form body if form-encoded — the body must be left readable again) and
// compares in constant time. Any failure (missing header, malformed header, unsupported version or
// method, unknown key/token from lookup, mismatch, oauth_body_hash mismatch) is a *VerifyError.
// Timestamp windows and nonce replay are NOT checked here; the caller does that with Verified.
//
// r may be a server request (r.URL holds only the path; the base string
// URI is built from r.Host, with https if r.TLS is set) or a client request
// with an absolute r.URL. Behind a proxy that terminates TLS, set r.TLS or
// rewrite r.URL to the URL the client signed. oauth_version may be absent;
// if present it must be "1.0". For PLAINTEXT, oauth_timestamp and
// oauth_nonce may be absent (RFC 5849 §3.1). A form body larger than 10 MB
// is refused. When a lookup error is reported, its text is part of the
// Reason. To see what was compared, call [BaseString] on the same request.
func Verify(r *http.Request, lookup SecretLookup) (Verified, error) {
	v, reason := verify(r, lookup)
	if reason != "" {
		return Verified{}, &VerifyError{Reason: reason}
	}
	return v, nil
}

func verify(r *http.Request, lookup SecretLookup) (Verified, string) {
	if err := checkRequest(r); err != nil {
		return Verified{}, err.Error()
	}
	if lookup == nil {
		return Verified{}, "no SecretLookup to find the secrets"
	}
	ap, err := requestAuthorization(r)
	if err != nil {
		return Verified{}, err.Error()
	}
	var v Verified
	var version, signature, timestamp, bodyHashValue string
	seen := map[string]bool{}
	for _, a := range ap {
		seen[a.name] = true
		switch a.name {
		case "oauth_consumer_key":
			v.ConsumerKey = a.value
		case "oauth_token":
			v.Token = a.value
		case "oauth_nonce":
			v.Nonce = a.value
		case "oauth_timestamp":
			timestamp = a.value
		case "oauth_signature_method":
			v.Method = Method(a.value)
		case "oauth_signature":
			signature = a.value
		case "oauth_version":
			version = a.value
		case "oauth_body_hash":
			bodyHashValue = a.value
		}
	}
	for _, name := range [...]string{"oauth_consumer_key", "oauth_signature_method", "oauth_signature"} {
		if !seen[name] {
			return Verified{}, "Authorization header has no " + name
		}
	}
	if seen["oauth_version"] && version != "1.0" {
		return Verified{}, fmt.Sprintf("unsupported oauth_version %q", clip(version))
	}
	switch v.Method {
	case HMACSHA1, HMACSHA256, HMACSHA512, Plaintext:
	default:
		return Verified{}, fmt.Sprintf("unsupported oauth_signature_method %q", clip(string(v.Method)))
	}
	if v.Method != Plaintext || seen["oauth_timestamp"] {
		if !seen["oauth_timestamp"] {
			return Verified{}, "Authorization header has no oauth_timestamp"
		}
		unix, err := strconv.ParseInt(timestamp, 10, 64)
		if err != nil || unix < 0 || timestamp[0] == '+' {
			return Verified{}, fmt.Sprintf("oauth_timestamp %q is not a number of seconds since 1970", clip(timestamp))
		}
		v.Timestamp = time.Unix(unix, 0)
	}
	if v.Method != Plaintext && v.Nonce == "" {
		return Verified{}, "Authorization header has no oauth_nonce"
	}

	consumerSecret, tokenSecret, err := lookup(v.ConsumerKey, v.Token)
	if err != nil {
		return Verified{}, "unknown consumer key or token: " + err.Error()
	}
	if !utf8.ValidString(consumerSecret) || !utf8.ValidString(tokenSecret) {
		return Verified{}, "the secrets found for this consumer key and token are not valid UTF-8"
	}

	p, bs, err := headerBaseString(r, ap)
	if err != nil {
		return Verified{}, err.Error()
	}
	k0 := len(p.buf)
	p.buf = appendKey(p.buf, consumerSecret, tokenSecret)
	k1 := len(p.buf)
	var sig0 int
	if p.buf, sig0, err = appendSignature(p.buf, v.Method, p.buf[k0:k1], p.buf[bs.start:bs.end]); err != nil {
		return Verified{}, err.Error()
	}
	if subtle.ConstantTimeCompare(p.buf[sig0:], []byte(signature)) != 1 {
		return Verified{}, "signature does not match"
	}

	if seen["oauth_body_hash"] {
		if isForm(r.Header) {
			return Verified{}, "oauth_body_hash was sent with a form-encoded body"
		}
		body, err := readBody(r, maxFormBody)
		if err != nil {
			return Verified{}, fmt.Sprintf("reading body: %v", err)
		}
		want, err := bodyHash(body)
		if err != nil {
			return Verified{}, err.Error()
		}
		if !bytes.Equal(want[:], []byte(bodyHashValue)) {
			return Verified{}, "oauth_body_hash does not match the body"
		}
	}
	return v, ""
}
