package oauth1

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"strings"
	"testing"
)

// TestVerifyKeys covers the server side of the RSA methods and the rules
// that keep a client registered with an RSA key from being impersonated
// with a shared-secret method.
func TestVerifyKeys(t *testing.T) {
	vs := readRSAVectors(t)
	key, pub, otherPub := vs.privateKey(t, "wiki"), vs.publicKey(t, "wiki"), vs.publicKey(t, "oauthlib")
	rsaSigned := func(m Method) func(*testing.T) *http.Request {
		return func(t *testing.T) *http.Request {
			return serverRequest(t, "GET", "http://api.example/p?a=1", "", "", func(s *Signer) { s.Method, s.PrivateKey = m, key })
		}
	}
	// A shared-secret request signed with empty secrets: what an attacker
	// who knows only the consumer key and token can make.
	emptySecrets := func(m Method) func(*testing.T) *http.Request {
		return func(t *testing.T) *http.Request {
			return serverRequest(t, "GET", "http://api.example/p", "", "", func(s *Signer) {
				s.Method, s.ConsumerSecret, s.TokenSecret = m, "", ""
			})
		}
	}
	rsaOnly := Keys{PublicKey: pub}
	both := Keys{ConsumerSecret: vConsumerSecret, TokenSecret: vTokenSecret, PublicKey: pub}
	for _, c := range []struct {
		name   string
		req    func(*testing.T) *http.Request
		keys   Keys
		reason string // "" when it verifies
	}{
		{"RSA-SHA1", rsaSigned(RSASHA1), rsaOnly, ""},
		{"RSA-SHA256", rsaSigned(RSASHA256), rsaOnly, ""},
		{"RSA-SHA512", rsaSigned(RSASHA512), both, ""},
		{"HMAC with a client that has both", func(t *testing.T) *http.Request { return serverRequest(t, "GET", "http://api.example/p", "", "", nil) }, both, ""},
		{"RSA without a public key", rsaSigned(RSASHA1), Keys{ConsumerSecret: vConsumerSecret},
			"no RSA public key is known for this consumer key: RSA-SHA1 is not accepted for it"},
		{"another public key", rsaSigned(RSASHA256), Keys{PublicKey: otherPub}, "signature does not match"},
		{"public key too small", rsaSigned(RSASHA1), Keys{PublicKey: smallPublicKey(t)}, "the public key of this consumer key: the RSA key has 512 bits"},
		{"HMAC-SHA1 with empty secrets for an RSA client", emptySecrets(HMACSHA1), rsaOnly,
			"this consumer key signs with RSA: HMAC-SHA1 is not accepted for it"},
		{"PLAINTEXT with empty secrets for an RSA client", emptySecrets(Plaintext), rsaOnly,
			"this consumer key signs with RSA: PLAINTEXT is not accepted for it"},
		{"signature not base64", func(t *testing.T) *http.Request {
			r := rsaSigned(RSASHA1)(t)
			h := r.Header.Get("Authorization")
			i := strings.Index(h, `oauth_signature="`) + len(`oauth_signature="`)
			r.Header.Set("Authorization", h[:i]+"%21"+h[i:])
			return r
		}, rsaOnly, "oauth_signature is not base64"},
		{"signature altered", func(t *testing.T) *http.Request {
			r := rsaSigned(RSASHA1)(t)
			h := r.Header.Get("Authorization")
			i := strings.Index(h, `oauth_signature="`) + len(`oauth_signature="`)
			flip := map[byte]string{'A': "B"}[h[i]]
			if flip == "" {
				flip = "A"
			}
			r.Header.Set("Authorization", h[:i]+flip+h[i+1:])
			return r
		}, rsaOnly, "signature does not match"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := c.req(t)
			v, err := VerifyKeys(r, func(ck, tok string) (Keys, error) { return c.keys, nil })
			if c.reason == "" {
				if err != nil {
					t.Fatalf("VerifyKeys: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.reason) {
				t.Fatalf("VerifyKeys = %+v, %v; want a reason containing %q", v, err, c.reason)
			}
		})
	}
	t.Run("Verify refuses RSA", func(t *testing.T) {
		_, err := Verify(rsaSigned(RSASHA256)(t), testLookup())
		if err == nil || !strings.Contains(err.Error(), `unsupported oauth_signature_method "RSA-SHA256"`) {
			t.Fatalf("Verify: %v", err)
		}
	})
	t.Run("no lookup", func(t *testing.T) {
		_, err := VerifyKeys(rsaSigned(RSASHA1)(t), nil)
		if err == nil || !strings.Contains(err.Error(), "no KeyLookup") {
			t.Fatalf("VerifyKeys: %v", err)
		}
	})
}

// smallPublicKey is the public half of testdata/rsa512_pkcs1.pem, a key
// generated with openssl genrsa 512 to be refused.
func smallPublicKey(t *testing.T) *rsa.PublicKey {
	t.Helper()
	b, _ := pem.Decode([]byte(readTestdata(t, "rsa512_pkcs1.pem")))
	k, err := x509.ParsePKCS1PrivateKey(b.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return &k.PublicKey
}
