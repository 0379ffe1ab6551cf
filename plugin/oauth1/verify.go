package oauth1

import (
	"crypto/rsa"
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

// Keys are what a server knows of a client to check its signatures: the
// secrets, for the HMAC methods and PLAINTEXT, and the client's RSA public
// key, for the RSA methods. A client with a PublicKey and no
// ConsumerSecret may sign with the RSA methods only.
type Keys struct {
	ConsumerSecret, TokenSecret string
	PublicKey                   *rsa.PublicKey
}

// KeyLookup returns the Keys for a consumer key and token. It returns an
// error when the key or token is unknown.
type KeyLookup func(consumerKey, token string) (Keys, error)

// Verified is what the protocol parameters of a valid request said.
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
//
// Without an OAuth Authorization header, the protocol parameters are read
// from the query and form body (a request signed with InQuery or InBody).
// Verify checks the HMAC methods and PLAINTEXT; [VerifyKeys] also checks
// the RSA methods.
func Verify(r *http.Request, lookup SecretLookup) (Verified, error) {
	var keys KeyLookup
	if lookup != nil {
		keys = func(consumerKey, token string) (Keys, error) {
			cs, ts, err := lookup(consumerKey, token)
			return Keys{ConsumerSecret: cs, TokenSecret: ts}, err
		}
	}
	return verifyRequest(r, keys, false)
}

// VerifyKeys is [Verify] with a lookup that may also return the client's
// RSA public key: it checks RSA-SHA1, RSA-SHA256 and RSA-SHA512 signatures
// (RFC 5849 §3.4.3) too, for clients whose Keys have a PublicKey.
func VerifyKeys(r *http.Request, lookup KeyLookup) (Verified, error) {
	return verifyRequest(r, lookup, true)
}

func verifyRequest(r *http.Request, lookup KeyLookup, rsaOK bool) (Verified, error) {
	v, reason := verify(r, lookup, rsaOK)
	if reason != "" {
		return Verified{}, &VerifyError{Reason: reason}
	}
	return v, nil
}

func verify(r *http.Request, lookup KeyLookup, rsaOK bool) (Verified, string) {
	if err := checkRequest(r); err != nil {
		return Verified{}, err.Error()
	}
	if lookup == nil {
		if rsaOK {
			return Verified{}, "no KeyLookup to find the keys"
		}
		return Verified{}, "no SecretLookup to find the secrets"
	}
	rc, err := readReceived(r)
	if err != nil {
		return Verified{}, err.Error()
	}
	var v Verified
	var version, signature, timestamp, bodyHashValue string
	seen := map[string]bool{}
	for _, a := range rc.ap {
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
			return Verified{}, rc.where() + " has no " + name
		}
	}
	if seen["oauth_version"] && version != "1.0" {
		return Verified{}, fmt.Sprintf("unsupported oauth_version %q", clip(version))
	}
	switch v.Method {
	case HMACSHA1, HMACSHA256, HMACSHA512, Plaintext:
	case RSASHA1, RSASHA256, RSASHA512:
		if rsaOK {
			break
		}
		fallthrough
	default:
		return Verified{}, fmt.Sprintf("unsupported oauth_signature_method %q", clip(string(v.Method)))
	}
	if v.Method != Plaintext || seen["oauth_timestamp"] {
		if !seen["oauth_timestamp"] {
			return Verified{}, rc.where() + " has no oauth_timestamp"
		}
		unix, err := strconv.ParseInt(timestamp, 10, 64)
		if err != nil || unix < 0 || timestamp[0] == '+' {
			return Verified{}, fmt.Sprintf("oauth_timestamp %q is not a number of seconds since 1970", clip(timestamp))
		}
		v.Timestamp = time.Unix(unix, 0)
	}
	if v.Method != Plaintext && v.Nonce == "" {
		return Verified{}, rc.where() + " has no oauth_nonce"
	}

	keys, err := lookup(v.ConsumerKey, v.Token)
	if err != nil {
		return Verified{}, "unknown consumer key or token: " + err.Error()
	}
	if v.Method.isRSA() {
		if keys.PublicKey == nil {
			return Verified{}, fmt.Sprintf("no RSA public key is known for this consumer key: %s is not accepted for it", v.Method)
		}
		if err := checkRSAKey(keys.PublicKey); err != nil {
			return Verified{}, "the public key of this consumer key: " + err.Error()
		}
	} else {
		if keys.PublicKey != nil && keys.ConsumerSecret == "" {
			return Verified{}, fmt.Sprintf("this consumer key signs with RSA: %s is not accepted for it", v.Method)
		}
		if !utf8.ValidString(keys.ConsumerSecret) || !utf8.ValidString(keys.TokenSecret) {
			return Verified{}, "the secrets found for this consumer key and token are not valid UTF-8"
		}
	}

	p, bs, err := rc.baseString(r)
	if err != nil {
		return Verified{}, err.Error()
	}
	if v.Method.isRSA() {
		if err := verifyRSASignature(v.Method, keys.PublicKey, p.buf[bs.start:bs.end], signature); err != nil {
			return Verified{}, err.Error()
		}
	} else {
		k0 := len(p.buf)
		p.buf = appendKey(p.buf, keys.ConsumerSecret, keys.TokenSecret)
		k1 := len(p.buf)
		var sig0 int
		if p.buf, sig0, err = appendSignature(p.buf, v.Method, p.buf[k0:k1], p.buf[bs.start:bs.end]); err != nil {
			return Verified{}, err.Error()
		}
		if subtle.ConstantTimeCompare(p.buf[sig0:], []byte(signature)) != 1 {
			return Verified{}, errSignatureMismatch.Error()
		}
	}

	if seen["oauth_body_hash"] {
		if isForm(r.Header) {
			return Verified{}, "oauth_body_hash was sent with a form-encoded body"
		}
		body, err := readBody(r, maxFormBody)
		if err != nil {
			return Verified{}, fmt.Sprintf("reading body: %v", err)
		}
		want, err := appendBodyHash(nil, v.Method, body)
		if err != nil {
			return Verified{}, err.Error()
		}
		if subtle.ConstantTimeCompare(want, []byte(bodyHashValue)) != 1 {
			return Verified{}, "oauth_body_hash does not match the body"
		}
	}
	return v, ""
}
