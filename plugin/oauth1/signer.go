package oauth1

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"
)

// Signer signs requests with OAuth 1.0a (RFC 5849), by default in an
// Authorization header. A Signer is not modified by Sign and may be shared
// by goroutines.
type Signer struct {
	ConsumerKey, ConsumerSecret, Token, TokenSecret string

	Method    Method           // the zero Method means HMACSHA1
	Placement Placement        // where the protocol parameters go; the zero Placement is InHeader
	Realm     string           // sent in the header, never signed; only with InHeader
	BodyHash  bool             // add oauth_body_hash (base64, the method's hash) for bodies that are not form-encoded
	Nonce     func() string    // nil: random from crypto/rand, URL-safe
	Now       func() time.Time // nil: time.Now

	// PrivateKey is the client's RSA key, for the RSA methods only (see
	// ParsePrivateKey); they use no secret, so ConsumerSecret and
	// TokenSecret are then not used.
	PrivateKey *rsa.PrivateKey

	// Callback is sent as oauth_callback when set: for a temporary
	// credentials request (RFC 5849 §2.1), such as Sign in with X's
	// request_token.
	Callback string
	// Verifier is sent as oauth_verifier when set: for a token request
	// (RFC 5849 §2.3), such as access_token.
	Verifier string
}

// The protocol parameters Sign sends, in the (sorted) order of the header.
const (
	slotBodyHash = iota
	slotCallback
	slotConsumerKey
	slotNonce
	slotSignature
	slotSignatureMethod
	slotTimestamp
	slotToken
	slotVerifier
	slotVersion
	numSlots
)

var slotNames = [numSlots]string{
	"oauth_body_hash",
	"oauth_callback",
	"oauth_consumer_key",
	"oauth_nonce",
	"oauth_signature",
	"oauth_signature_method",
	"oauth_timestamp",
	"oauth_token",
	"oauth_verifier",
	"oauth_version",
}

// maxSigned bounds the query and body Sign reads, so that offsets into
// its buffer fit an int32.
const maxSigned = 1 << 28

// nonceBytes random bytes make a nonce of nonceLen URL-safe characters.
const (
	nonceBytes = 16
	nonceLen   = 22
)

// Sign signs r exactly as it will be sent and sets its Authorization header,
// or with InQuery or InBody appends the protocol parameters to its query or
// form body (dropping from both those an earlier Sign put there, and an
// OAuth Authorization header). A form body is read to include its parameters and
// is left readable again (also r.GetBody must keep working).
//
// The signature covers the method, the URL (scheme, host and port as sent,
// the path as escaped, not the fragment), every query parameter, every
// parameter of a body whose Content-Type is
// application/x-www-form-urlencoded, and the protocol parameters,
// oauth_version="1.0" included. Other bodies are not signed; with BodyHash
// they are covered by oauth_body_hash. The error names what is wrong with
// the Signer or the request, and r is then unchanged (its body reads the
// same); the error never contains a secret or key material.
func (s *Signer) Sign(r *http.Request) error {
	if err := s.sign(r); err != nil {
		return fmt.Errorf("oauth1: %w", err)
	}
	return nil
}

func (s *Signer) sign(r *http.Request) error {
	method, err := s.check()
	if err != nil {
		return err
	}
	if err := checkRequest(r); err != nil {
		return err
	}
	if r.URL.Scheme == "" || r.URL.Host == "" && r.Host == "" {
		return fmt.Errorf("request URL %q is not absolute", clip(r.URL.String()))
	}
	form := isForm(r.Header)
	if s.Placement == InBody && !form {
		return errBodyNotForm
	}
	var body []byte
	if form || s.BodyHash {
		if body, err = readBody(r, maxSigned); err != nil {
			return fmt.Errorf("reading body: %w", err)
		}
	}
	query := r.URL.RawQuery
	bodyLen := len(body)
	if s.Placement != InHeader {
		query = withoutSignerParams(query)
		if form {
			body = withoutSignerParams(body)
		}
	}
	if len(query)+len(body) > maxSigned {
		return errors.New("query and body are too large to sign")
	}

	// One buffer holds the encoded parameters, the base string, the key,
	// the signature and the header; it lives on the stack unless the
	// request is large. Most parameter bytes are unreserved; the buffer
	// grows if this guess is short.
	size := 2*(len(query)+len(body)) + 2*(len(r.Host)+len(r.URL.Path)) +
		3*(len(s.ConsumerKey)+len(s.Token)+len(s.Callback)+len(s.Verifier)) +
		2*(len(s.ConsumerSecret)+len(s.TokenSecret)) + len(s.Realm) + 640
	var stackBuf [2048]byte
	var stackPairs [32]pair
	p := params{buf: stackBuf[:0], pairs: stackPairs[:0]}
	if size > len(stackBuf) {
		p.buf = make([]byte, 0, size)
	}
	if p, err = addForm(p, query, "query"); err != nil {
		return err
	}
	if form {
		if p, err = addForm(p, body, "form body"); err != nil {
			return err
		}
	}
	nRequest := len(p.pairs)
	var slots [numSlots]span
	if p, slots, err = s.addProtocol(p, method, body, form); err != nil {
		return err
	}
	p, bs, err := p.appendBaseString(r, len(p.pairs)-nRequest)
	if err != nil {
		return err
	}
	var sig0 int
	if method.isRSA() {
		p.buf, sig0, err = appendRSASignature(p.buf, method, s.PrivateKey, p.buf[bs.start:bs.end])
	} else {
		k0 := len(p.buf)
		p.buf = appendKey(p.buf, s.ConsumerSecret, s.TokenSecret)
		k1 := len(p.buf)
		p.buf, sig0, err = appendSignature(p.buf, method, p.buf[k0:k1], p.buf[bs.start:bs.end])
	}
	if err != nil {
		return err
	}
	sig1 := len(p.buf)
	p.buf = appendEncodedTwice(p.buf, p.buf[sig0:sig1]) // like the other slots
	slots[slotSignature] = span{sig1, len(p.buf)}

	if s.Placement != InHeader {
		place(r, s.Placement, p, slots, query, body, len(body) != bodyLen)
		return nil
	}
	h0 := len(p.buf)
	p.buf = appendHeader(p.buf, s.Realm, slots)
	if r.Header == nil {
		r.Header = make(http.Header)
	}
	r.Header["Authorization"] = []string{string(p.buf[h0:])}
	return nil
}

// addProtocol adds the protocol parameters but oauth_signature to p, in
// the order of the header, which is sorted, and returns where their values
// are (encoded twice, as all values in p).
func (s *Signer) addProtocol(p params, method Method, body []byte, form bool) (params, [numSlots]span, error) {
	var slots [numSlots]span
	if s.BodyHash && !form {
		var hb [maxBodyHash]byte
		h, err := appendBodyHash(hb[:0], method, body)
		if err != nil {
			return p, slots, err
		}
		p, slots[slotBodyHash] = addOAuth(p, slotNames[slotBodyHash], h)
	}
	if s.Callback != "" {
		p, slots[slotCallback] = addOAuth(p, slotNames[slotCallback], s.Callback)
	}
	p, slots[slotConsumerKey] = addOAuth(p, slotNames[slotConsumerKey], s.ConsumerKey)
	if s.Nonce != nil {
		n := s.Nonce()
		if n == "" {
			return p, slots, errors.New("Nonce returned an empty string")
		}
		if !utf8.ValidString(n) {
			return p, slots, errors.New("Nonce returned a string that is not valid UTF-8")
		}
		p, slots[slotNonce] = addOAuth(p, slotNames[slotNonce], n)
	} else {
		var random [nonceBytes]byte
		var nonce [nonceLen]byte
		rand.Read(random[:])
		base64.RawURLEncoding.Encode(nonce[:], random[:])
		p, slots[slotNonce] = addOAuthPlain(p, slotNames[slotNonce], nonce[:])
	}
	p, slots[slotSignatureMethod] = addOAuthPlain(p, slotNames[slotSignatureMethod], string(method))
	var unix int64
	if s.Now != nil {
		unix = s.Now().Unix()
	} else {
		unix = time.Now().Unix()
	}
	if unix < 0 {
		return p, slots, errors.New("Now returned a time before 1970")
	}
	var ts [20]byte
	p, slots[slotTimestamp] = addOAuthPlain(p, slotNames[slotTimestamp], strconv.AppendInt(ts[:0], unix, 10))
	if s.Token != "" {
		p, slots[slotToken] = addOAuth(p, slotNames[slotToken], s.Token)
	}
	if s.Verifier != "" {
		p, slots[slotVerifier] = addOAuth(p, slotNames[slotVerifier], s.Verifier)
	}
	p, slots[slotVersion] = addOAuthPlain(p, slotNames[slotVersion], "1.0")
	return p, slots, nil
}

// appendHeader appends the Authorization header value: "OAuth ", the realm
// if any as a quoted-string, then name="value" for each protocol parameter
// present, separated by ", ".
func appendHeader(dst []byte, realm string, slots [numSlots]span) []byte {
	h0 := len(dst)
	dst = append(dst, "OAuth "...)
	if realm != "" {
		dst = append(dst, `realm="`...)
		dst = appendQuoted(dst, realm)
		dst = append(dst, '"')
	}
	for i, v := range slots {
		if v.end == 0 {
			continue
		}
		if len(dst) > h0+len("OAuth ") {
			dst = append(dst, ", "...)
		}
		dst = append(dst, slotNames[i]...)
		dst = append(dst, `="`...)
		dst = appendEncodedOnce(dst, dst[v.start:v.end])
		dst = append(dst, '"')
	}
	return dst
}

// check validates the Signer and returns its resolved method.
func (s *Signer) check() (Method, error) {
	if s == nil {
		return "", errors.New("nil Signer")
	}
	method, err := s.Method.resolve()
	if err != nil {
		return "", err
	}
	if s.ConsumerKey == "" {
		return "", errors.New("empty consumer key")
	}
	switch {
	case !utf8.ValidString(s.ConsumerKey):
		return "", errors.New("consumer key is not valid UTF-8")
	case !utf8.ValidString(s.ConsumerSecret):
		return "", errors.New("consumer secret is not valid UTF-8")
	case !utf8.ValidString(s.Token):
		return "", errors.New("token is not valid UTF-8")
	case !utf8.ValidString(s.TokenSecret):
		return "", errors.New("token secret is not valid UTF-8")
	case !utf8.ValidString(s.Callback):
		return "", errors.New("callback is not valid UTF-8")
	case !utf8.ValidString(s.Verifier):
		return "", errors.New("verifier is not valid UTF-8")
	}
	if err := checkRealm(s.Realm); err != nil {
		return "", err
	}
	if err := s.Placement.check(); err != nil {
		return "", err
	}
	if s.Realm != "" && s.Placement != InHeader {
		return "", errRealmPlaced
	}
	if method.isRSA() {
		if s.PrivateKey == nil {
			return "", fmt.Errorf("%s needs PrivateKey, the client's RSA key: read its PEM with ParsePrivateKey", method)
		}
		if err := checkRSAKey(&s.PrivateKey.PublicKey); err != nil {
			return "", fmt.Errorf("PrivateKey: %w", err)
		}
	} else if s.PrivateKey != nil {
		return "", fmt.Errorf("PrivateKey is set but Method is %s: set Method to RSASHA1, RSASHA256 or RSASHA512, or leave PrivateKey nil", method)
	}
	return method, nil
}
