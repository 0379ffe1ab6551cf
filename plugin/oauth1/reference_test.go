package oauth1

import (
	"crypto"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"io"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// A reference verifier of RFC 5849 signatures, written apart from the
// package on purpose: it reads a request as a server receives it (off the
// wire), with the standard library's parsers and the plainest code that
// follows the RFC's text, and shares no helper with the signer. The
// differential test holds the signer to it.

// refKeys are what the reference verifier knows of a client.
type refKeys struct {
	consumerSecret, tokenSecret string
	publicKey                   *rsa.PublicKey
}

// refResult is what the reference verifier found.
type refResult struct {
	baseString string
	protocol   map[string]string // the protocol parameters, decoded (realm included)
	inHeader   bool              // they came from the Authorization header
}

// refVerify checks the signature (and oauth_body_hash) of r, a request
// read with http.ReadRequest, sent with scheme.
func refVerify(r *http.Request, scheme string, k refKeys) (refResult, error) {
	res := refResult{protocol: map[string]string{}}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return res, err
	}
	isForm := false
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		isForm = err == nil && mt == "application/x-www-form-urlencoded"
	}

	// RFC 5849 §3.4.1.3.1: the query, a form body, the header.
	path, rawQuery, _ := strings.Cut(r.RequestURI, "?")
	var params [][2]string
	q, err := refParseForm(rawQuery)
	if err != nil {
		return res, fmt.Errorf("query: %w", err)
	}
	params = append(params, q...)
	if isForm {
		b, err := refParseForm(string(body))
		if err != nil {
			return res, fmt.Errorf("body: %w", err)
		}
		params = append(params, b...)
	}
	if h := r.Header.Get("Authorization"); h != "" {
		res.inHeader = true
		hp, err := refParseHeader(h)
		if err != nil {
			return res, err
		}
		for _, kv := range hp {
			res.protocol[kv[0]] = kv[1]
			if kv[0] != "realm" {
				params = append(params, kv)
			}
		}
	} else {
		for _, kv := range params {
			if strings.HasPrefix(kv[0], "oauth_") {
				if _, dup := res.protocol[kv[0]]; dup {
					return res, fmt.Errorf("%s sent twice", kv[0])
				}
				res.protocol[kv[0]] = kv[1]
			}
		}
	}

	// §3.4.1.3.2: encode, sort by name then value, join.
	var enc []string
	for _, kv := range params {
		if kv[0] == "oauth_signature" {
			continue
		}
		enc = append(enc, refEncode(kv[0])+"="+refEncode(kv[1]))
	}
	sort.Slice(enc, func(i, j int) bool {
		ni, vi, _ := strings.Cut(enc[i], "=")
		nj, vj, _ := strings.Cut(enc[j], "=")
		if ni != nj {
			return ni < nj
		}
		return vi < vj
	})

	// §3.4.1.2: the base string URI.
	host := strings.ToLower(r.Host)
	scheme = strings.ToLower(scheme)
	if scheme == "http" && strings.HasSuffix(host, ":80") || scheme == "https" && strings.HasSuffix(host, ":443") {
		host = host[:strings.LastIndex(host, ":")]
	}
	if path == "" {
		path = "/"
	}
	res.baseString = strings.ToUpper(r.Method) + "&" + refEncode(scheme+"://"+host+path) + "&" + refEncode(strings.Join(enc, "&"))

	// §3.4.2 to §3.4.4.
	p := res.protocol
	if p["oauth_version"] != "1.0" {
		return res, fmt.Errorf("oauth_version is %q", p["oauth_version"])
	}
	method := p["oauth_signature_method"]
	var h crypto.Hash
	switch method {
	case "HMAC-SHA1", "RSA-SHA1", "PLAINTEXT":
		h = crypto.SHA1
	case "HMAC-SHA256", "RSA-SHA256":
		h = crypto.SHA256
	case "HMAC-SHA512", "RSA-SHA512":
		h = crypto.SHA512
	default:
		return res, fmt.Errorf("oauth_signature_method %q", method)
	}
	key := refEncode(k.consumerSecret) + "&" + refEncode(k.tokenSecret)
	sig := p["oauth_signature"]
	switch {
	case method == "PLAINTEXT":
		if sig != key {
			return res, errors.New("PLAINTEXT signature is not the key")
		}
	case strings.HasPrefix(method, "HMAC-"):
		mac := hmac.New(refHash(h), []byte(key))
		mac.Write([]byte(res.baseString))
		if sig != base64.StdEncoding.EncodeToString(mac.Sum(nil)) {
			return res, errors.New("HMAC signature does not match")
		}
	default:
		raw, err := base64.StdEncoding.DecodeString(sig)
		if err != nil {
			return res, err
		}
		d := refHash(h)()
		d.Write([]byte(res.baseString))
		if err := rsa.VerifyPKCS1v15(k.publicKey, h, d.Sum(nil), raw); err != nil {
			return res, fmt.Errorf("RSA signature: %w", err)
		}
	}

	// The OAuth Request Body Hash extension.
	if bh, ok := p["oauth_body_hash"]; ok {
		if isForm {
			return res, errors.New("oauth_body_hash with a form body")
		}
		d := refHash(h)()
		d.Write(body)
		if bh != base64.StdEncoding.EncodeToString(d.Sum(nil)) {
			return res, errors.New("oauth_body_hash does not match")
		}
	}
	return res, nil
}

func refHash(h crypto.Hash) func() hash.Hash {
	return map[crypto.Hash]func() hash.Hash{crypto.SHA1: sha1.New, crypto.SHA256: sha256.New, crypto.SHA512: sha512.New}[h]
}

// refEncode is RFC 5849 §3.6: all but ALPHA, DIGIT, "-", ".", "_", "~"
// become %XX, upper-case.
func refEncode(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || strings.IndexByte("-._~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// refParseForm decodes application/x-www-form-urlencoded data, keeping
// every pair in order; "a" is a name with an empty value.
func refParseForm(s string) ([][2]string, error) {
	var out [][2]string
	for _, part := range strings.Split(s, "&") {
		if part == "" {
			continue
		}
		name, value, _ := strings.Cut(part, "=")
		n, err := url.QueryUnescape(name)
		if err != nil {
			return nil, err
		}
		v, err := url.QueryUnescape(value)
		if err != nil {
			return nil, err
		}
		out = append(out, [2]string{n, v})
	}
	return out, nil
}

// refParseHeader parses `OAuth name="value", ...` (RFC 5849 §3.5.1):
// values are quoted-strings, percent-decoded but for realm.
func refParseHeader(h string) ([][2]string, error) {
	rest, ok := strings.CutPrefix(h, "OAuth ")
	if !ok {
		return nil, fmt.Errorf("header %q is not OAuth", h)
	}
	var out [][2]string
	for rest != "" {
		rest = strings.TrimLeft(rest, ", ")
		name, after, ok := strings.Cut(rest, `="`)
		if !ok {
			return nil, fmt.Errorf("bad header at %q", rest)
		}
		var value strings.Builder
		i := 0
		for ; i < len(after) && after[i] != '"'; i++ {
			if after[i] == '\\' {
				i++
			}
			value.WriteByte(after[i])
		}
		if i == len(after) {
			return nil, errors.New("unterminated value")
		}
		rest = after[i+1:]
		v := value.String()
		if name != "realm" {
			var err error
			if v, err = url.PathUnescape(v); err != nil {
				return nil, err
			}
		}
		out = append(out, [2]string{name, v})
	}
	return out, nil
}
