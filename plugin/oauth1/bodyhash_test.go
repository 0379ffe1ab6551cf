package oauth1

import (
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"io"
	"strings"
	"testing"
)

// TestBodyHashFollowsMethod: oauth_body_hash is SHA-1 for HMAC-SHA1,
// RSA-SHA1 and PLAINTEXT (the OAuth Request Body Hash extension), and the
// method's own hash for the SHA-256 and SHA-512 methods; what Sign sends,
// Verify and VerifyKeys check.
func TestBodyHashFollowsMethod(t *testing.T) {
	const body = `{"name":"Spring launch"}`
	s1, s256, s512 := sha1.Sum([]byte(body)), sha256.Sum256([]byte(body)), sha512.Sum512([]byte(body))
	b64 := base64.StdEncoding.EncodeToString
	vs := readRSAVectors(t)
	key, pub := vs.privateKey(t, "wiki"), vs.publicKey(t, "wiki")
	for _, c := range []struct {
		method Method
		want   string
	}{
		{HMACSHA1, b64(s1[:])},
		{Plaintext, b64(s1[:])},
		{RSASHA1, b64(s1[:])},
		{HMACSHA256, b64(s256[:])},
		{RSASHA256, b64(s256[:])},
		{HMACSHA512, b64(s512[:])},
		{RSASHA512, b64(s512[:])},
	} {
		t.Run(string(c.method), func(t *testing.T) {
			sign := func(s *Signer) {
				s.Method, s.BodyHash = c.method, true
				if c.method.isRSA() {
					s.PrivateKey = key
				}
			}
			r := serverRequest(t, "PUT", "http://api.example/p", "application/json", body, sign)
			if got := authParams(t, r)["oauth_body_hash"]; got != c.want {
				t.Errorf("oauth_body_hash = %s, want %s", got, c.want)
			}
			lookup := func(ck, tok string) (Keys, error) {
				return Keys{ConsumerSecret: vConsumerSecret, TokenSecret: vTokenSecret, PublicKey: pub}, nil
			}
			if _, err := VerifyKeys(r, lookup); err != nil {
				t.Fatalf("VerifyKeys: %v", err)
			}
			r.Body = io.NopCloser(strings.NewReader(body + " "))
			if _, err := VerifyKeys(r, lookup); err == nil || !strings.Contains(err.Error(), "oauth_body_hash does not match the body") {
				t.Errorf("VerifyKeys with another body: %v", err)
			}
		})
	}
}

// TestBodyHashOfAnotherHash: a server refuses an HMAC-SHA256 request whose
// oauth_body_hash is the SHA-1 one, validly signed.
func TestBodyHashOfAnotherHash(t *testing.T) {
	const body = `{"a":1}`
	sum := sha1.Sum([]byte(body))
	r := readRequest(t, "POST /p HTTP/1.1\r\nHost: api.example\r\nContent-Type: application/json\r\nContent-Length: 7\r\n"+
		`Authorization: OAuth oauth_body_hash="`+string(appendEncoded(nil, base64.StdEncoding.EncodeToString(sum[:])))+
		`", oauth_consumer_key="ck", oauth_nonce="n", oauth_signature_method="HMAC-SHA256", oauth_timestamp="1", oauth_token="tok"`+
		"\r\n\r\n"+body, false)
	bs, err := BaseString(r)
	if err != nil {
		t.Fatal(err)
	}
	sig, s0, _ := appendSignature(nil, HMACSHA256, appendKey(nil, vConsumerSecret, vTokenSecret), []byte(bs))
	r.Header.Set("Authorization", r.Header.Get("Authorization")+`, oauth_signature="`+string(appendEncoded(nil, sig[s0:]))+`"`)
	if _, err := Verify(r, testLookup()); err == nil || !strings.Contains(err.Error(), "oauth_body_hash does not match the body") {
		t.Fatalf("Verify: %v", err)
	}
}
